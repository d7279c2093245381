import readline from 'node:readline';

/**
 * The password for `user create`: typed at a hidden prompt on a terminal, or read from standard
 * input when piped (`echo … | leefklimaat user create …`). Never a command-line argument, which
 * other users of the machine could read from the process list.
 */
export async function readPassword(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += String(chunk);
    // The first line: `printf 'pw\npw\n'` (a confirmation, as passwd takes it) must not make the
    // line break part of a password no sign-in form can type.
    return text.split(/\r?\n/)[0] ?? '';
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const output = rl as unknown as { _writeToOutput: (s: string) => void };
  process.stdout.write(prompt);
  output._writeToOutput = () => {}; // hide what is typed
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stdout.write('\n');
  return answer;
}
