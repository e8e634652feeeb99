import nunjucks from 'nunjucks';
import { join } from 'node:path';
import { projectRoot } from '../../../platform/views/views';

/**
 * One template per message, typed by its data. Each renders a subject, a plain-text and an HTML body from
 * `views/mail/<name>.{subject,text,html}.njk` in a strict environment: a template that refers to data
 * it was not given fails instead of sending a blank.
 */
export interface TemplateData {
  'test-email': { sentAt: string };
}

export type TemplateName = keyof TemplateData;
export const TEMPLATE_NAMES: readonly TemplateName[] = ['test-email'];

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const environments = new Map<boolean, nunjucks.Environment>();

/** HTML parts are escaped; subject and text are not (they are not HTML). */
function env(autoescape: boolean): nunjucks.Environment {
  let environment = environments.get(autoescape);
  if (!environment) {
    environment = new nunjucks.Environment(new nunjucks.FileSystemLoader(join(projectRoot(), 'src')), {
      autoescape,
      throwOnUndefined: true,
    });
    environments.set(autoescape, environment);
  }
  return environment;
}

/** Renders a message; `publicUrl` makes every link absolute. Throws when data is missing. */
export function renderMail<N extends TemplateName>(name: N, data: TemplateData[N], publicUrl: string): RenderedMail {
  const context: Record<string, unknown> = { ...data, publicUrl, serviceName: 'Plateforme d’identité' };
  const render = (part: 'subject' | 'text' | 'html') =>
    env(part === 'html')
      .render(`modules/notifications/views/mail/${name}.${part}.njk`, context)
      .trim();
  const subject = render('subject').replace(/\s+/g, ' ');
  context.subject = subject;
  return { subject, text: render('text'), html: render('html') };
}
