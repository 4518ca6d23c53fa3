export * from "./graph-facts";
export * from "./miradore-application";
export * from "./graph-admin-consent";
export * from "./client-secret-slot";
export * from "./rotating-client-secret";
export * from "./state-backend";
export * from "./miradore-stack";
export * from "./synthesize-atomically";
