import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { RepoType } from '../../repos/repo.types';
import { visibleRepoSql, type RepoViewer } from '../../repos/access/repo-viewer';

export interface Liker {
  username: string;
  fullname: string;
  likedAt: Date;
}

export interface LikedRepo {
  type: RepoType;
  id: string;
  likedAt: Date;
}

/** `repo_likes` (and, through its triggers, `repositories.likes`). */
@Injectable()
export class LikesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The repository's like count afterwards; liking twice changes nothing. */
  async like(repoId: number, userId: number): Promise<number> {
    await this.db.query(`INSERT INTO repo_likes (repo_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [repoId, userId]);
    return this.count(repoId);
  }

  async unlike(repoId: number, userId: number): Promise<number> {
    await this.db.query(`DELETE FROM repo_likes WHERE repo_id = $1 AND user_id = $2`, [repoId, userId]);
    return this.count(repoId);
  }

  /** `repositories.likes`, which triggers on `repo_likes` keep equal to its rows (cascades included). */
  private async count(repoId: number): Promise<number> {
    const [row] = await this.db.query(`SELECT likes FROM repositories WHERE id = $1`, [repoId]);
    return Number(row?.likes ?? 0);
  }

  async liked(repoId: number, userId: number): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM repo_likes WHERE repo_id = $1 AND user_id = $2`, [repoId, userId]);
    return rows.length > 0;
  }

  /** Newest first. */
  async likers(repoId: number, limit: number, offset: number): Promise<Liker[]> {
    const rows = await this.db.query(
      `SELECT n.name AS username, u.fullname, l.created_at AS "likedAt"
         FROM repo_likes l JOIN users u ON u.id = l.user_id JOIN namespaces n ON n.id = u.id
        WHERE l.repo_id = $1 ORDER BY l.created_at DESC, l.user_id DESC LIMIT $2 OFFSET $3`,
      [repoId, limit, offset],
    );
    return rows;
  }

  /** Newest first, only the repositories the viewer may see. */
  async likedBy(userId: number, viewer: RepoViewer, limit: number, offset: number): Promise<LikedRepo[]> {
    const rows = await this.db.query(
      `SELECT r.type, n.name || '/' || r.name AS id, l.created_at AS "likedAt"
         FROM repo_likes l JOIN repositories r ON r.id = l.repo_id JOIN namespaces n ON n.id = r.namespace_id
        WHERE l.user_id = $1 AND ${visibleRepoSql('r', '$5', '$2')}
        ORDER BY l.created_at DESC, l.repo_id DESC LIMIT $3 OFFSET $4`,
      [userId, viewer.namespaceIds, limit, offset, viewer.userId],
    );
    return rows;
  }
}
