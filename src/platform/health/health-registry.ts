import { Injectable } from '@nestjs/common';

/** The outside services whose health the console shows. */
export const HEALTH_COMPONENTS = {
  database: 'Base de données',
  smtp: 'Courriel (SMTP)',
  sms: 'Passerelle SMS',
  franceconnect: 'FranceConnect',
} as const;
export type HealthComponent = keyof typeof HEALTH_COMPONENTS;

export interface ComponentHealth {
  component: HealthComponent;
  label: string;
  lastSuccessAt: Date | null;
  lastErrorAt: Date | null;
  /** The last error's message, one line, at most 300 characters (never a secret: callers pass their own wording). */
  lastError: string | null;
}

/**
 * The last success and the last error of each outside service, as this instance met them: the notifications sender
 * records each delivery attempt (SMTP, SMS gateway), the FranceConnect client each call, the health check and the
 * dashboard each database probe. In memory, per instance, since its start (no statement added to any flow); shown
 * on the console's dashboard. Not on the public `/health`, which stays a readiness check on the database alone.
 */
@Injectable()
export class HealthRegistry {
  readonly since = new Date();
  private readonly state = new Map<HealthComponent, Omit<ComponentHealth, 'component' | 'label'>>();

  succeeded(component: HealthComponent, at = new Date()): void {
    this.entry(component).lastSuccessAt = at;
  }

  failed(component: HealthComponent, error: unknown, at = new Date()): void {
    const entry = this.entry(component);
    entry.lastErrorAt = at;
    const message = error instanceof Error ? error.message : String(error);
    entry.lastError = message.replace(/\s+/g, ' ').trim().slice(0, 300);
  }

  /** Every component, in a fixed order, with what this instance saw of it. */
  snapshot(): ComponentHealth[] {
    return (Object.keys(HEALTH_COMPONENTS) as HealthComponent[]).map((component) => ({
      component,
      label: HEALTH_COMPONENTS[component],
      ...this.entry(component),
    }));
  }

  private entry(component: HealthComponent) {
    let entry = this.state.get(component);
    if (!entry) {
      entry = { lastSuccessAt: null, lastErrorAt: null, lastError: null };
      this.state.set(component, entry);
    }
    return entry;
  }
}
