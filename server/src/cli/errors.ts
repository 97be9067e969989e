/** A problem with the command line or its inputs: reported on stderr, exit status 2. */
export class UsageError extends Error {}
