/** Things started during a run, stopped newest first, each failure reported but not fatal. */
export class Cleanup {
  private readonly stack: { name: string; stop: () => Promise<unknown> }[] = [];

  defer(name: string, stop: () => Promise<unknown>): void {
    this.stack.push({ name, stop });
  }

  /** Runs and forgets the newest deferred step named `name` (for early, ordered stops). */
  async run(name: string): Promise<void> {
    const index = this.stack.map((s) => s.name).lastIndexOf(name);
    if (index < 0) return;
    const [step] = this.stack.splice(index, 1);
    await step?.stop();
  }

  async all(log: (line: string) => void): Promise<void> {
    for (let step = this.stack.pop(); step; step = this.stack.pop()) {
      try {
        await step.stop();
      } catch (error) {
        log(`cleanup of ${step.name} failed: ${String(error)}`);
      }
    }
  }
}
