import { render, type ComponentType } from 'preact';
import { interceptLinks } from './router';

/** Starts an app in the shell's #app element (replacing its "Loading…" placeholder). */
export function mount(App: ComponentType): void {
  const root = document.getElementById('app')!;
  root.textContent = '';
  interceptLinks(root);
  render(<App />, root);
}
