import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** The first answer to a creation sent with an `Idempotency-Key`, per client and key, until `expiresAt`. */
@Entity('api_idempotency_key')
export class ApiIdempotencyKey {
  @PrimaryColumn({
    name: 'client_id',
    type: 'varchar',
    length: 255,
    primaryKeyConstraintName: 'PK_api_idempotency_key',
  })
  clientId: string;

  @PrimaryColumn({ type: 'varchar', length: 255, primaryKeyConstraintName: 'PK_api_idempotency_key' })
  key: string;

  @Column({ type: 'varchar', length: 10 })
  method: string;

  @Column({ type: 'varchar', length: 2048 })
  path: string;

  /** SHA-256 of the method, path and canonical body: another body under the same key is refused. */
  @Column({ name: 'request_hash', type: 'varchar', length: 64 })
  requestHash: string;

  /** Null while the first request is still being handled. */
  @Column({ type: 'integer', nullable: true })
  status: number | null;

  @Column({ name: 'response_body', type: 'jsonb', nullable: true })
  responseBody: unknown;

  @Column({ name: 'response_headers', type: 'jsonb', nullable: true })
  responseHeaders: Record<string, string> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Index('IDX_api_idempotency_key_expires_at')
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
