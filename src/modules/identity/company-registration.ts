import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { FieldErrors } from '../../platform/errors';
import { t } from '../../platform/i18n/i18n';
import { FileStorage } from '../../platform/storage/file-storage';
import { RegistrationDraft, type DraftDocument } from './entities/registration-draft.entity';
import { IdentityDocuments } from './identity-documents';
import { IdentityError, IdentityErrorCode } from './identity.errors';
import { documentProblem, RegistrationValidator, type RegistrationForm } from './registration-validator';
import { RegistrationService, type RegistrationOutcome } from './registration.service';
import { SignInThrottle } from './sign-in.throttle';

/** A draft not touched for this long is deleted with its file (`PendingAccountsJob`). */
export const REGISTRATION_DRAFT_HOURS = 24;

export interface CompanyStep {
  /** The fields this step collects (checkboxes listed in `CHECKBOXES`). */
  fields: readonly string[];
}

/** Seed 004's five steps (titles: `registration:company.steps.<n>`); the fifth follows « Valider » (the activation e-mail). */
export const COMPANY_STEPS: readonly CompanyStep[] = [
  { fields: ['organisationName', 'organisationNumber', 'contractNumber'] },
  {
    fields: ['civility', 'familyName', 'usageName', 'givenName', 'birthDate', 'mobilePhone'],
  },
  {
    fields: [
      'email',
      'landlinePhone',
      'addressLine',
      'addressComplement',
      'postalCode',
      'city',
      'occupation',
      'jobTitle',
      'emailMailing',
      'smsMailing',
    ],
  },
  {
    fields: [
      'identityDocumentKind',
      'identityDocument',
      'identifier',
      'password',
      'passwordConfirmation',
      'acceptTerms',
      'acceptPrivacy',
    ],
  },
  { fields: [] },
];
export const COMPANY_FORM_STEPS = 4;
const CHECKBOXES = new Set(['emailMailing', 'smsMailing', 'acceptTerms', 'acceptPrivacy']);
/** Never kept in a draft. */
const SECRET_FIELDS = new Set(['password', 'passwordConfirmation', 'identityDocument']);

/** What a step sends: its text fields and checkboxes, and the file of step 4 if one was chosen. */
export interface CompanyStepInput {
  values: Record<string, string | boolean>;
  file?: { buffer: Buffer; name?: string } | { problem: 'too-large' | 'unreadable' };
}

export type StepOutcome =
  | { status: 'valid'; draft: RegistrationDraft }
  | { status: 'invalid'; draft: RegistrationDraft; step: number; errors: FieldErrors };

/**
 * The company registration in steps (seed 004): each step is validated by the registration's own rules before the
 * next, and kept in a server-side draft, so that going back loses nothing; the identity document received is kept
 * too (its file in the file storage), so that an error elsewhere never asks for it again. The last step creates the
 * account through `RegistrationService.register()` and deletes the draft.
 *
 * Safeguards: new drafts are counted per address (`SignInThrottle.registrationDraft`); a file is kept only once steps
 * 1 to 3 are valid (`draft.step >= 3`); the draft's document changes only by an atomic swap that names the file it
 * replaced, which is then deleted (the other writes never touch the column), so concurrent uploads, a purge or a
 * discard in between leave no file that no draft refers to.
 */
@Injectable()
export class CompanyRegistration {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly storage: FileStorage,
    private readonly documents: IdentityDocuments,
    private readonly validator: RegistrationValidator,
    private readonly registration: RegistrationService,
    private readonly throttle: SignInThrottle,
  ) {}

  /** The draft of this id, if it still exists. */
  async find(id: string | undefined): Promise<RegistrationDraft | undefined> {
    if (!id || !isUuid(id)) return undefined;
    return (
      (await this.dataSource.getRepository(RegistrationDraft).findOneBy({ id, profile: 'entreprise' })) ?? undefined
    );
  }

  /**
   * The draft of this id, or a new one (created at the first step sent, not at a mere visit; counted per address, a
   * `TOO_MANY_REQUESTS` error past the limit).
   */
  async draft(id: string | undefined): Promise<RegistrationDraft> {
    const found = await this.find(id);
    if (found) return found;
    await this.throttle.registrationDraft();
    const drafts = this.dataSource.getRepository(RegistrationDraft);
    return drafts.save(drafts.create({ profile: 'entreprise', step: 0, values: {}, document: null }));
  }

  /**
   * « Étape précédente »: what this step's fields hold is kept as typed, without checking it; the file of step 4 only
   * once steps 1 to 3 are valid.
   */
  async keep(draft: RegistrationDraft, step: number, input: CompanyStepInput): Promise<RegistrationDraft> {
    draft.values = { ...draft.values, ...stepValues(step, input.values) };
    if (step === 4 && input.file && 'buffer' in input.file && earlierStepsValid(draft))
      await this.keepDocument(draft, input.file);
    await this.store(draft);
    return draft;
  }

  /**
   * « Continuer » (steps 1 to 3): the step's fields are checked with the registration's rules; the draft keeps them
   * either way, and moves on only when they are right.
   */
  async submitStep(draft: RegistrationDraft, step: number, input: CompanyStepInput): Promise<StepOutcome> {
    draft.values = { ...draft.values, ...stepValues(step, input.values) };
    const { errors } = await this.validator.validate(this.form(draft, {}), { activationChannel: 'email' });
    const { first, fields } = errorsUpTo(errors, step);
    if (first === undefined) draft.step = Math.max(draft.step, step);
    else draft.step = Math.min(draft.step, first - 1);
    await this.store(draft);
    return first === undefined ? { status: 'valid', draft } : { status: 'invalid', draft, step: first, errors: fields };
  }

  /**
   * « Valider » (step 4): the document (a new file, or the one kept), the password and the consents; then the account.
   * A file that is a valid document is kept even when the rest has errors.
   */
  async finish(
    draft: RegistrationDraft,
    input: CompanyStepInput & { password: string; passwordConfirmation: string },
  ): Promise<{ status: 'created'; outcome: RegistrationOutcome } | Extract<StepOutcome, { status: 'invalid' }>> {
    draft.values = { ...draft.values, ...stepValues(4, input.values) };
    const fileErrors: FieldErrors = {};
    if (input.file && 'problem' in input.file) {
      fileErrors.identityDocument = [documentProblem(input.file.problem)];
    } else if (input.file && earlierStepsValid(draft)) {
      const problem = await this.keepDocument(draft, input.file);
      if (problem) fileErrors.identityDocument = [problem];
    }
    await this.store(draft);
    const kept = draft.document && (await this.storage.get(draft.document.storageKey));
    const form = this.form(draft, {
      password: input.password,
      passwordConfirmation: input.passwordConfirmation,
      identityDocument: kept ? { buffer: kept } : undefined,
    });
    const { errors } = await this.validator.validate(form, { activationChannel: 'email' });
    // A new file refused is said, even when an earlier one is kept.
    const all = { ...errors, ...fileErrors };
    const { first, fields } = errorsUpTo(all, 4);
    if (first !== undefined) {
      draft.step = Math.min(draft.step, first - 1);
      await this.store(draft);
      return { status: 'invalid', draft, step: first, errors: fields };
    }
    try {
      const outcome = await this.registration.register(form, { emailOnly: true });
      await this.discard(draft);
      return { status: 'created', outcome };
    } catch (error) {
      // Two people registering the same identifier at the same moment, say: back to the step that holds the field.
      if (error instanceof IdentityError && error.code === (IdentityErrorCode.REGISTRATION_INVALID as string)) {
        const { first, fields } = errorsUpTo(error.fields ?? {}, 4);
        return { status: 'invalid', draft, step: first ?? 4, errors: fields };
      }
      throw error;
    }
  }

  /** Deletes the draft, then the file it held at that moment (not the one this copy of it knew of). */
  async discard(draft: RegistrationDraft): Promise<void> {
    // With RETURNING, TypeORM's pg driver answers `[rows, affected]` for a DELETE.
    const [rows] = await this.dataSource.query<[Array<{ document: DraftDocument | null }>, number]>(
      `DELETE FROM registration_draft WHERE id = $1 RETURNING document`,
      [draft.id],
    );
    const held = rows[0]?.document;
    if (held) await this.storage.delete(held.storageKey);
  }

  /** Deletes the drafts left untouched for `REGISTRATION_DRAFT_HOURS`, with their files. Returns how many. */
  async purge(now: Date): Promise<number> {
    const old = await this.dataSource
      .getRepository(RegistrationDraft)
      .createQueryBuilder('draft')
      .where(`draft.updated_at < :now::timestamptz - make_interval(hours => :hours)`, {
        now: now.toISOString(),
        hours: REGISTRATION_DRAFT_HOURS,
      })
      .getMany();
    for (const draft of old) await this.discard(draft);
    return old.length;
  }

  /** A valid document replaces the one kept; otherwise the reason, in the request's language (the kept one stays). */
  private async keepDocument(
    draft: RegistrationDraft,
    file: { buffer: Buffer; name?: string },
  ): Promise<string | undefined> {
    const mediaType = await this.documents.detectType(file.buffer);
    if (!mediaType) return t('registration:errors.documentType');
    const storageKey = `registration-draft/${randomUUID()}`;
    await this.storage.put(storageKey, file.buffer);
    const document: DraftDocument = {
      storageKey,
      name: displayName(file.name, mediaType),
      mediaType,
      size: file.buffer.length,
    };
    // One statement swaps the document and names the one it replaced (another request's, perhaps): that file goes.
    const [rows] = await this.dataSource.query<[Array<{ replaced: DraftDocument | null }>, number]>(
      `UPDATE registration_draft AS d SET document = $2::jsonb, updated_at = now()
       FROM (SELECT id, document AS replaced FROM registration_draft WHERE id = $1 FOR UPDATE) AS before
       WHERE d.id = before.id
       RETURNING before.replaced`,
      [draft.id, JSON.stringify(document)],
    );
    if (rows.length === 0) {
      // The draft is gone meanwhile (finished in another tab, purged): its file would belong to nobody.
      await this.storage.delete(storageKey);
      return undefined;
    }
    const replaced = rows[0].replaced;
    if (replaced && replaced.storageKey !== storageKey) await this.storage.delete(replaced.storageKey);
    draft.document = document;
    return undefined;
  }

  /** Saves what was typed and the step reached; never the document, which only `keepDocument` swaps. */
  private async store(draft: RegistrationDraft): Promise<void> {
    await this.dataSource
      .getRepository(RegistrationDraft)
      .update({ id: draft.id }, { values: draft.values, step: draft.step });
  }

  private form(draft: RegistrationDraft, extra: Partial<RegistrationForm>): RegistrationForm {
    const v = draft.values;
    const textOf = (field: string) => (typeof v[field] === 'string' ? v[field] : '');
    const form: Record<string, unknown> = { profile: 'entreprise' };
    for (const step of COMPANY_STEPS)
      for (const field of step.fields) {
        if (SECRET_FIELDS.has(field)) continue;
        form[field] = CHECKBOXES.has(field) ? v[field] === true : textOf(field);
      }
    return { ...(form as unknown as RegistrationForm), ...extra };
  }
}

/** Steps 1 to 3 were validated: only then is an identity document worth keeping. */
function earlierStepsValid(draft: RegistrationDraft): boolean {
  return draft.step >= COMPANY_FORM_STEPS - 1;
}

/** The step's own fields from what was posted (checkboxes as booleans; never a password or a file). */
function stepValues(step: number, posted: Record<string, string | boolean>): Record<string, string | boolean> {
  const values: Record<string, string | boolean> = {};
  for (const field of COMPANY_STEPS[step - 1]?.fields ?? []) {
    if (SECRET_FIELDS.has(field)) continue;
    values[field] = CHECKBOXES.has(field) ? posted[field] === true : String(posted[field] ?? '');
  }
  return values;
}

/** The errors of steps 1 to `step`, and the first step that has any. */
function errorsUpTo(errors: FieldErrors, step: number): { first: number | undefined; fields: FieldErrors } {
  let first: number | undefined;
  const fields: FieldErrors = {};
  for (let n = 1; n <= step; n++) {
    for (const field of COMPANY_STEPS[n - 1].fields) {
      if (!errors[field]) continue;
      first ??= n;
      if (n === first) fields[field] = errors[field];
    }
  }
  return { first, fields };
}

/** The file's name as shown back (no path, no control character, not too long), or a name from its type. */
function displayName(name: string | undefined, mediaType: string): string {
  // Browsers send UTF-8 names that multer reads as latin1.
  let decoded = name ?? '';
  const utf8 = Buffer.from(decoded, 'latin1').toString('utf8');
  if (!utf8.includes('\uFFFD')) decoded = utf8;
  // eslint-disable-next-line no-control-regex
  const base = (decoded.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (base) return base.length > 80 ? `${base.slice(0, 60)}…${base.slice(-15)}` : base;
  return mediaType === 'application/pdf' ? 'document.pdf' : mediaType === 'image/png' ? 'document.png' : 'document.jpg';
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
