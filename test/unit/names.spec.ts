import { nameProblem } from '../../src/auth/names';

describe('names', () => {
  it.each(['alice', 'Alice-B', 'a1', 'team.ml', 'x_y', 'a'.repeat(42)])('accepts %p', (n) => expect(nameProblem(n)).toBeNull());
  it.each(['a', '-a', 'a-', '.a', 'a.', 'a--b', 'a..b', 'a b', 'a/b', 'é', '', 'a'.repeat(43), 'a\u0000b'])('refuses %p', (n) =>
    expect(nameProblem(n)).toBe('InvalidName'),
  );
  it.each(['admin', 'API', 'models', 'datasets', 'spaces', 'org', 'Settings'])('reserves %p', (n) => expect(nameProblem(n)).toBe('ReservedName'));
});
