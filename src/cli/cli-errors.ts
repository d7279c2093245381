/** A command that already said what is wrong and only needs to exit non-zero. */
export class CliFailure extends Error {}

/** A plain problem with what was asked, printed as it is (no stack). */
export class CliProblem extends Error {}
