/** The escalation the guard, the expiry check and the notice say while Miradore still uses the secret a rotation deletes. */
export const STILL_USED = "Miradore still uses the secret that rotates next; paste the new one now";

/** How a held rotation's headline says that the sign-in logs, not the handoff dates, hold it. */
export const SIGNED_IN_WITH = "which Entra's sign-in logs show Miradore still signing in with";
