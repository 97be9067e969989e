/** A problem with the command line or its inputs: reported on stderr, exit status 2. */
export class UsageError extends Error {}

/** An invalid configuration file (its message names the file, line and value): exit status 2. */
export class ConfigFileError extends UsageError {}
