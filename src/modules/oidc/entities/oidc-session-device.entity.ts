import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Where a provider session was last used (browser, address, time), for the « Sécurité » page of the account space.
 * Written by the storage adapter when the provider saves a signed-in session; keyed by the session's public uid.
 */
@Entity('oidc_session_device')
@Index('IDX_oidc_session_device_account', ['accountId'])
export class OidcSessionDevice {
  @PrimaryColumn({
    name: 'session_uid',
    type: 'varchar',
    length: 255,
    primaryKeyConstraintName: 'PK_oidc_session_device',
  })
  sessionUid: string;

  @Column({ name: 'account_id', type: 'varchar', length: 255 })
  accountId: string;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  @Column({ name: 'ip_address', type: 'varchar', length: 64, nullable: true })
  ipAddress: string | null;

  @Column({ name: 'last_seen_at', type: 'timestamptz', default: () => 'now()' })
  lastSeenAt: Date;
}
