import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  brandColourProblem,
  brandLogoProblem,
  brandStylesheet,
  contrastRatio,
  DEFAULT_PRIMARY_COLOR,
  resolveBrand,
} from './branding';

const base = { name: 'Plateforme d’identité', primaryColor: DEFAULT_PRIMARY_COLOR, logoUrl: '/assets/logo.svg' };

describe('branding', () => {
  it('measures contrast as WCAG 2.1 does', () => {
    assert.equal(contrastRatio('#000000', '#ffffff'), 21);
    assert.equal(contrastRatio('#ffffff', '#ffffff'), 1);
    assert.equal(Math.round(contrastRatio('#767676', '#ffffff') * 100) / 100, 4.54);
  });

  it('accepts a dark enough colour, in either case or the short form', () => {
    assert.equal(brandColourProblem(DEFAULT_PRIMARY_COLOR), undefined);
    assert.equal(brandColourProblem('#7A1F5C'), undefined);
    assert.equal(brandColourProblem('#000'), undefined);
    assert.equal(brandColourProblem('#767676'), undefined);
  });

  it('refuses a colour below AA against white, in French, naming the ratio', () => {
    assert.equal(
      brandColourProblem('#ffdd00'),
      'le contraste de #ffdd00 avec le blanc est de 1,34:1, sous le minimum WCAG 2.1 AA de 4,5:1 (textes des boutons et liens) : choisissez une teinte plus foncée',
    );
    // 4.478:1 reads 4,47:1, never a rounded-up 4,5:1 that would look accepted.
    assert.match(brandColourProblem('#777777')!, /est de 4,47:1/);
    assert.match(brandColourProblem('rouge')!, /n’est pas une couleur hexadécimale/);
    assert.match(brandColourProblem('#12345')!, /n’est pas une couleur hexadécimale/);
  });

  it('takes a logo on this site or over https only', () => {
    assert.equal(brandLogoProblem('/assets/logo.svg'), undefined);
    assert.equal(brandLogoProblem('https://cabinet.example.fr/logo.png'), undefined);
    for (const bad of [
      'http://example.fr/logo.png',
      'javascript:alert(1)',
      '//evil.example/x.png',
      'logo.png',
      '/a b',
    ]) {
      assert.ok(brandLogoProblem(bad), bad);
    }
  });

  it('writes the stylesheet of a usable colour only', () => {
    assert.equal(
      brandStylesheet('7a1f5c'),
      ':root {\n  --brand-primary: #7a1f5c;\n  --brand-on-primary: #ffffff;\n}\n',
    );
    assert.equal(brandStylesheet('ffdd00'), undefined);
    assert.equal(brandStylesheet('7a1f5c;}body{display:none'), undefined);
    assert.equal(brandStylesheet(['7a1f5c']), undefined);
  });

  it('lays a page’s brand over the deployment’s, ignoring what fails the checks', () => {
    assert.deepEqual(resolveBrand(base), {
      name: base.name,
      logoUrl: '/assets/logo.svg',
      primaryColor: DEFAULT_PRIMARY_COLOR,
      onPrimaryColor: '#ffffff',
      stylesheet: undefined,
    });
    const firm = resolveBrand(base, { name: 'Cabinet Martin', primaryColor: '#7A1F5C' });
    assert.equal(firm.name, 'Cabinet Martin');
    assert.equal(firm.logoUrl, undefined, 'un autre nom ne prend pas le logo du déploiement');
    assert.equal(firm.stylesheet, '/theme/marque.css?couleur=7a1f5c');
    const bad = resolveBrand(base, { name: 'Site', logoUrl: 'javascript:alert(1)', primaryColor: '#ffff00' });
    assert.equal(bad.logoUrl, undefined);
    assert.equal(bad.primaryColor, DEFAULT_PRIMARY_COLOR);
  });
});
