export * from "./deployer-graph-permissions";
export * from "./ci-application";
export * from "./github-federated-credentials";
export * from "./bootstrap-stack";
