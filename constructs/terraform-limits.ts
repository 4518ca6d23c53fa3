/** What Terraform can represent, where the constructs' numbers end up in Terraform expressions. */

/**
 * The longest duration Terraform's `timeadd()` accepts, in whole hours. It parses durations with Go's
 * `time.ParseDuration` into a `time.Duration`, an int64 count of nanoseconds: at most 2^63 − 1 ns = 2,562,047.79 h
 * (Go's time package: "The representation limits the largest representable duration to approximately 290 years").
 * A longer duration is an error only when Terraform evaluates it, which for a secret's end date is during apply,
 * after the app registration and its consent already exist.
 */
export const MAX_TIMEADD_HOURS = 2_562_047;

/**
 * The longest secret lifetime (and every other day count of the rotation settings, which must fit within it):
 * 106,751 days, about 292 years. The stacks write each secret's end date as `timeadd(<rotation time>,
 * "<lifetimeDays × 24>h")`, so this is what Terraform can represent. Entra ID itself takes end dates up to the year
 * 9999 (Microsoft Graph's `passwordCredential.endDateTime`; the Azure CLI accepts `--years` up to 9999 minus the
 * current year, Azure/azure-cli issue #12412), and the Entra admin center offers at most 24 months
 * (DEFAULT_TENANT_MAX_SECRET_LIFETIME_DAYS): a tenant's own maximum, `tenantMaxLifetimeDays`, is bounded by this too.
 */
export const MAX_LIFETIME_DAYS = Math.floor(MAX_TIMEADD_HOURS / 24);
