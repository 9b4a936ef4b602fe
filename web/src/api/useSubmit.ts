import { useState, type FormEvent } from 'react';

// A user-started call: busy while `action` runs, and what it threw kept for the screen to
// show (ErrorAlert, fieldError). `submit` is a form's onSubmit; `run` starts the action from
// anything else (a button, a chosen file), with the action's arguments. The calls that are
// not TanStack mutations use it.
export function useSubmit<Args extends unknown[] = []>(action: (...args: Args) => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function run(...args: Args) {
    setBusy(true);
    setError(null);
    try {
      await action(...args);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }
  async function submit(event: FormEvent, ...args: Args) {
    event.preventDefault();
    await run(...args);
  }
  return { busy, error, run, submit };
}
