/** The escalation the guard, the expiry check and the notice say while Miradore still uses the secret a rotation deletes. */
export const STILL_USED = "Miradore still uses the secret that rotates next; paste the new one now";
