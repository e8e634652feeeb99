import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import NodeClam from 'clamscan';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../../config';
import { LOGGER } from '../logging/logger';

/** The verdict on one file: clean, or the signatures `clamd` found. */
export type ScanVerdict = { clean: true } | { clean: false; viruses: string[] };

/** `clamd` could not give a verdict (unreachable, timed out, an error): the caller refuses the file (fail closed). */
export class VirusScanUnavailableError extends Error {}

/** Chunks of the INSTREAM command (clamd's `StreamMaxLength` bounds the whole, not the chunk). */
const CHUNK = 64 * 1024;

/**
 * Scans files with ClamAV's daemon (`clamd`, `CLAMAV_HOST`/`CLAMAV_PORT` or `CLAMAV_SOCKET`) through the `clamscan`
 * package's INSTREAM client, before anything is stored. Without configuration, `enabled` is false and `scan()` says
 * clean without scanning. With it, any answer other than « OK » or « … FOUND » is `VirusScanUnavailableError`.
 */
@Injectable()
export class VirusScanner {
  private client: Promise<NodeClam> | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  get enabled(): boolean {
    return this.config.antivirus !== undefined;
  }

  async scan(data: Buffer): Promise<ScanVerdict> {
    const antivirus = this.config.antivirus;
    if (!antivirus) return { clean: true };
    let result: { isInfected: boolean | null; viruses: string[] };
    try {
      const client = await this.clamd(antivirus);
      const chunks: Buffer[] = [];
      for (let offset = 0; offset < data.length; offset += CHUNK) chunks.push(data.subarray(offset, offset + CHUNK));
      result = await client.scanStream(Readable.from(chunks));
    } catch (error) {
      this.logger.error({ err: error }, 'Antivirus : clamd ne répond pas, le fichier est refusé');
      throw new VirusScanUnavailableError('clamd ne répond pas');
    }
    if (result.isInfected === false) return { clean: true };
    if (result.isInfected === true) {
      this.logger.warn({ viruses: result.viruses }, 'Antivirus : fichier infecté refusé');
      return { clean: false, viruses: result.viruses };
    }
    this.logger.error('Antivirus : réponse de clamd illisible, le fichier est refusé');
    throw new VirusScanUnavailableError('réponse de clamd illisible');
  }

  /** The client, set up once; `bypassTest`: no ping at set-up, every scan finds out for itself whether clamd answers. */
  private clamd(antivirus: NonNullable<AppConfig['antivirus']>): Promise<NodeClam> {
    this.client ??= new NodeClam().init({
      removeInfected: false,
      debugMode: false,
      clamscan: { active: false },
      clamdscan: {
        ...('socket' in antivirus ? { socket: antivirus.socket } : { host: antivirus.host, port: antivirus.port }),
        timeout: 30_000,
        localFallback: false,
        bypassTest: true,
        active: true,
      },
      preference: 'clamdscan',
    });
    this.client.catch(() => {
      this.client = undefined;
    });
    return this.client;
  }
}
