/**
 * What a run has set up, undone in reverse order exactly once: at the end of the run, or when
 * the command is interrupted (SIGINT/SIGTERM run it before exiting). Steps that can be taken
 * synchronously (killing child processes) also run from the `exit` hook, the last resort.
 */
export class Teardown {
  readonly #steps: { name: string; run: () => Promise<void> | void; sync?: () => void }[] = [];
  #running: Promise<string[]> | undefined;
  readonly #onExit = (): void => {
    for (const step of [...this.#steps].reverse()) step.sync?.();
  };

  constructor() {
    process.once('exit', this.#onExit);
  }

  /** Whether the run has begun undoing itself (the end, or an interrupt): start nothing new. */
  get started(): boolean {
    return this.#running !== undefined;
  }

  /** `sync`: what to do if the process exits before `run` could (e.g. SIGKILL a child). */
  add(name: string, run: () => Promise<void> | void, sync?: () => void): void {
    if (this.started) {
      // Set up while an interrupt was already undoing the run: undo it at once, as far as time allows.
      sync?.();
      void (async () => run())().catch(() => undefined);
      return;
    }
    this.#steps.push({ name, run, ...(sync ? { sync } : {}) });
  }

  /** Runs every step (later ones first); returns the failures as `name: message`. */
  run(): Promise<string[]> {
    this.#running ??= (async () => {
      const failures: string[] = [];
      for (const step of [...this.#steps].reverse()) {
        try {
          await step.run();
        } catch (error) {
          failures.push(`${step.name}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      process.removeListener('exit', this.#onExit);
      this.#steps.length = 0;
      return failures;
    })();
    return this.#running;
  }
}
