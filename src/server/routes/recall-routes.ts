export function registerRecallRoutes(..._args: unknown[]): void {}
