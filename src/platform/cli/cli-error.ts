/** A command's refusal: printed as is, and the command line exits with code 1. */
export class CliError extends Error {}
