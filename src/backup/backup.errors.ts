/**
 * A backup or restore that was refused or failed, with a message for the administrator that
 * already says what is wrong and what to do (both languages), printed as it is — never a stack.
 */
export class BackupProblem extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackupProblem';
  }
}
