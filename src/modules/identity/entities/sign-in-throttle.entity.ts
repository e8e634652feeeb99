import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Recent failed sign-ins of one account identifier or one address (keys are hashed: no identifier is stored). */
@Entity('sign_in_throttle')
export class SignInThrottleEntry {
  @PrimaryColumn({ type: 'varchar', length: 80, primaryKeyConstraintName: 'PK_sign_in_throttle' })
  key: string;

  @Column({ type: 'integer', default: 0 })
  failures: number;

  @Column({ name: 'last_failure_at', type: 'timestamptz' })
  lastFailureAt: Date;

  @Column({ name: 'blocked_until', type: 'timestamptz', nullable: true })
  blockedUntil: Date | null;
}
