/** Stops the embedded PostgreSQL when the global setup started one. */
export default async function globalTeardown(): Promise<void> {
  const pg = (globalThis as { __hangarEmbeddedPg?: { stop(): Promise<void> } }).__hangarEmbeddedPg;
  if (pg) await pg.stop();
}
