import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Storage accounting. A repository's `used_bytes` is the size of its git objects plus the size
 * of the LFS/Xet files its commits hold (`repo_lfs_objects.committed`); a namespace's
 * `private_used_bytes`/`public_used_bytes` are the sums over its repositories by visibility.
 *
 * The counters are kept by statement-level triggers on the rows that hold storage, so every
 * writer (HF commit, git push, LFS prune and delete, repository delete, move, visibility change)
 * changes usage in its own transaction without knowing about quotas, and a recount can never
 * disagree with them. The triggers are also the final quota check: growing a counter locks the
 * namespace row (UPDATE), so concurrent writers are serialised on it and each sees what the
 * others committed; a growth past a quota raises SQLSTATE HQ413 with the numbers as JSON in
 * DETAIL, which the application maps to `QuotaExceeded`. Shrinking is never refused.
 */
export class Quotas1796404055853 implements MigrationInterface {
  name = 'Quotas1796404055853';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE repositories ADD COLUMN used_bytes bigint NOT NULL DEFAULT 0, ADD COLUMN quota_bytes bigint NULL`);

    // Adds `delta` to a namespace's bucket; refuses growth past its quota.
    await q.query(`
      CREATE FUNCTION quota_charge_namespace(ns bigint, is_private boolean, delta bigint) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE used bigint; quota bigint; ns_name text;
      BEGIN
        IF delta = 0 THEN RETURN; END IF;
        IF is_private THEN
          UPDATE users SET private_used_bytes = private_used_bytes + delta WHERE id = ns RETURNING private_used_bytes, private_quota_bytes INTO used, quota;
          IF NOT FOUND THEN
            UPDATE organizations SET private_used_bytes = private_used_bytes + delta WHERE id = ns RETURNING private_used_bytes, private_quota_bytes INTO used, quota;
          END IF;
        ELSE
          UPDATE users SET public_used_bytes = public_used_bytes + delta WHERE id = ns RETURNING public_used_bytes, public_quota_bytes INTO used, quota;
          IF NOT FOUND THEN
            UPDATE organizations SET public_used_bytes = public_used_bytes + delta WHERE id = ns RETURNING public_used_bytes, public_quota_bytes INTO used, quota;
          END IF;
        END IF;
        IF delta > 0 AND quota IS NOT NULL AND used > quota THEN
          SELECT name INTO ns_name FROM namespaces WHERE id = ns;
          RAISE EXCEPTION 'quota exceeded' USING ERRCODE = 'HQ413', DETAIL = json_build_object(
            'scope', 'namespace', 'namespace', ns_name, 'bucket', CASE WHEN is_private THEN 'private' ELSE 'public' END,
            'used_bytes', used - delta, 'quota_bytes', quota, 'requested_bytes', delta)::text;
        END IF;
      END $$`);

    // Adds `delta` to a repository and its namespace; refuses growth past the repository's quota.
    await q.query(`
      CREATE FUNCTION quota_charge_repo(repo bigint, delta bigint) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE r record; full_name text;
      BEGIN
        IF delta = 0 THEN RETURN; END IF;
        UPDATE repositories SET used_bytes = used_bytes + delta WHERE id = repo
          RETURNING namespace_id, private, used_bytes, quota_bytes, name INTO r;
        -- A repository deleted in this transaction (its objects go by cascade): nothing to charge.
        IF NOT FOUND THEN RETURN; END IF;
        IF delta > 0 AND r.quota_bytes IS NOT NULL AND r.used_bytes > r.quota_bytes THEN
          SELECT n.name || '/' || r.name INTO full_name FROM namespaces n WHERE n.id = r.namespace_id;
          RAISE EXCEPTION 'quota exceeded' USING ERRCODE = 'HQ413', DETAIL = json_build_object(
            'scope', 'repository', 'namespace', full_name, 'used_bytes', r.used_bytes - delta,
            'quota_bytes', r.quota_bytes, 'requested_bytes', delta)::text;
        END IF;
        PERFORM quota_charge_namespace(r.namespace_id, r.private, delta);
      END $$`);

    // git objects: their inflated size, as recorded and as deleted (GC, repository delete).
    await q.query(`
      CREATE FUNCTION quota_git_objects_added() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE g record;
      BEGIN
        -- Repository order: writers that touch several repositories lock them in one order.
        FOR g IN SELECT repo_id, sum(size)::bigint AS bytes FROM quota_new GROUP BY repo_id ORDER BY repo_id LOOP
          PERFORM quota_charge_repo(g.repo_id, g.bytes);
        END LOOP;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION quota_git_objects_removed() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE g record;
      BEGIN
        FOR g IN SELECT repo_id, sum(size)::bigint AS bytes FROM quota_old GROUP BY repo_id ORDER BY repo_id LOOP
          PERFORM quota_charge_repo(g.repo_id, -g.bytes);
        END LOOP;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER git_objects_quota_insert AFTER INSERT ON git_objects REFERENCING NEW TABLE AS quota_new FOR EACH STATEMENT EXECUTE FUNCTION quota_git_objects_added()`);
    await q.query(`CREATE TRIGGER git_objects_quota_delete AFTER DELETE ON git_objects REFERENCING OLD TABLE AS quota_old FOR EACH STATEMENT EXECUTE FUNCTION quota_git_objects_removed()`);

    // LFS/Xet files: charged once a commit of the repository holds them (`committed`).
    await q.query(`
      CREATE FUNCTION quota_lfs_added() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE g record;
      BEGIN
        FOR g IN SELECT n.repo_id, sum(o.size)::bigint AS bytes FROM quota_new n JOIN lfs_objects o ON o.oid = n.oid
                  WHERE n.committed GROUP BY n.repo_id ORDER BY n.repo_id LOOP
          PERFORM quota_charge_repo(g.repo_id, g.bytes);
        END LOOP;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION quota_lfs_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE g record;
      BEGIN
        FOR g IN SELECT n.repo_id, sum(CASE WHEN n.committed THEN o.size ELSE 0 END - CASE WHEN p.committed THEN o.size ELSE 0 END)::bigint AS bytes
                   FROM quota_new n JOIN quota_old p ON p.repo_id = n.repo_id AND p.oid = n.oid JOIN lfs_objects o ON o.oid = n.oid
                  WHERE n.committed <> p.committed GROUP BY n.repo_id ORDER BY n.repo_id LOOP
          PERFORM quota_charge_repo(g.repo_id, g.bytes);
        END LOOP;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION quota_lfs_removed() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE g record;
      BEGIN
        FOR g IN SELECT p.repo_id, sum(o.size)::bigint AS bytes FROM quota_old p JOIN lfs_objects o ON o.oid = p.oid
                  WHERE p.committed GROUP BY p.repo_id ORDER BY p.repo_id LOOP
          PERFORM quota_charge_repo(g.repo_id, -g.bytes);
        END LOOP;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER repo_lfs_objects_quota_insert AFTER INSERT ON repo_lfs_objects REFERENCING NEW TABLE AS quota_new FOR EACH STATEMENT EXECUTE FUNCTION quota_lfs_added()`);
    await q.query(`CREATE TRIGGER repo_lfs_objects_quota_update AFTER UPDATE ON repo_lfs_objects REFERENCING OLD TABLE AS quota_old NEW TABLE AS quota_new FOR EACH STATEMENT EXECUTE FUNCTION quota_lfs_changed()`);
    await q.query(`CREATE TRIGGER repo_lfs_objects_quota_delete AFTER DELETE ON repo_lfs_objects REFERENCING OLD TABLE AS quota_old FOR EACH STATEMENT EXECUTE FUNCTION quota_lfs_removed()`);

    // A repository's usage leaves its namespace with it (delete), or moves between buckets or namespaces.
    await q.query(`
      CREATE FUNCTION quota_repo_removed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM quota_charge_namespace(OLD.namespace_id, OLD.private, -OLD.used_bytes);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION quota_repo_moved() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM quota_charge_namespace(OLD.namespace_id, OLD.private, -OLD.used_bytes);
        PERFORM quota_charge_namespace(NEW.namespace_id, NEW.private, NEW.used_bytes);
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER repositories_quota_delete AFTER DELETE ON repositories FOR EACH ROW WHEN (OLD.used_bytes <> 0) EXECUTE FUNCTION quota_repo_removed()`);
    await q.query(`
      CREATE TRIGGER repositories_quota_move AFTER UPDATE OF private, namespace_id ON repositories FOR EACH ROW
        WHEN (OLD.used_bytes <> 0 AND (OLD.private IS DISTINCT FROM NEW.private OR OLD.namespace_id IS DISTINCT FROM NEW.namespace_id))
        EXECUTE FUNCTION quota_repo_moved()`);

    // What is stored today.
    await q.query(`
      UPDATE repositories r SET used_bytes =
        COALESCE((SELECT sum(size) FROM git_objects g WHERE g.repo_id = r.id), 0) +
        COALESCE((SELECT sum(o.size) FROM repo_lfs_objects ro JOIN lfs_objects o ON o.oid = ro.oid WHERE ro.repo_id = r.id AND ro.committed), 0)`);
    for (const t of ['users', 'organizations']) {
      await q.query(`
        UPDATE ${t} t SET
          private_used_bytes = COALESCE((SELECT sum(used_bytes) FROM repositories WHERE namespace_id = t.id AND private), 0),
          public_used_bytes = COALESCE((SELECT sum(used_bytes) FROM repositories WHERE namespace_id = t.id AND NOT private), 0)`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS repositories_quota_move ON repositories`);
    await q.query(`DROP TRIGGER IF EXISTS repositories_quota_delete ON repositories`);
    for (const t of ['insert', 'update', 'delete']) await q.query(`DROP TRIGGER IF EXISTS repo_lfs_objects_quota_${t} ON repo_lfs_objects`);
    for (const t of ['insert', 'delete']) await q.query(`DROP TRIGGER IF EXISTS git_objects_quota_${t} ON git_objects`);
    for (const f of [
      'quota_repo_moved()',
      'quota_repo_removed()',
      'quota_lfs_removed()',
      'quota_lfs_changed()',
      'quota_lfs_added()',
      'quota_git_objects_removed()',
      'quota_git_objects_added()',
      'quota_charge_repo(bigint, bigint)',
      'quota_charge_namespace(bigint, boolean, bigint)',
    ]) {
      await q.query(`DROP FUNCTION IF EXISTS ${f}`);
    }
    await q.query(`ALTER TABLE repositories DROP COLUMN used_bytes, DROP COLUMN quota_bytes`);
  }
}
