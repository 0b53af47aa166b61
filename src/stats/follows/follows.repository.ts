import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface FollowRow {
  name: string;
  fullname: string | null;
  kind: 'user' | 'org';
}

/** `follows`; the namespaces' follower/following counts are kept by its triggers (migration ProfilesAvatarsFollows). */
@Injectable()
export class FollowsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The followee's follower count afterwards; following twice changes nothing. */
  async follow(followerId: number, followeeId: number): Promise<number> {
    await this.db.query(`INSERT INTO follows (follower_id, followee_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [followerId, followeeId]);
    return this.followers(followeeId);
  }

  async unfollow(followerId: number, followeeId: number): Promise<number> {
    await this.db.query(`DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2`, [followerId, followeeId]);
    return this.followers(followeeId);
  }

  private async followers(namespaceId: number): Promise<number> {
    const [row] = await this.db.query(`SELECT num_followers AS n FROM namespaces WHERE id = $1`, [namespaceId]);
    return Number(row?.n ?? 0);
  }

  /** Users following the namespace, newest first. */
  async followersOf(namespaceId: number, limit: number, offset: number): Promise<FollowRow[]> {
    return this.db.query(
      `SELECT n.name, u.fullname, 'user' AS kind
         FROM follows f JOIN users u ON u.id = f.follower_id JOIN namespaces n ON n.id = u.id
        WHERE f.followee_id = $1 AND u.is_active
        ORDER BY f.created_at DESC, f.follower_id DESC LIMIT $2 OFFSET $3`,
      [namespaceId, limit, offset],
    );
  }

  /** Users and organizations the user follows, newest first. */
  async followedBy(userId: number, limit: number, offset: number): Promise<FollowRow[]> {
    return this.db.query(
      `SELECT n.name, COALESCE(u.fullname, o.fullname) AS fullname, n.kind
         FROM follows f JOIN namespaces n ON n.id = f.followee_id
         LEFT JOIN users u ON u.id = n.id LEFT JOIN organizations o ON o.id = n.id
        WHERE f.follower_id = $1
        ORDER BY f.created_at DESC, f.followee_id DESC LIMIT $2 OFFSET $3`,
      [userId, limit, offset],
    );
  }
}
