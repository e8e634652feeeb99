// Live help on the forms that choose an identifier or a password: the strength meter (Faible / Moyen / Fort) and the
// identifier availability check. Both ask the server, which applies the same rules as when the form is sent; without
// JavaScript the form works the same, the answers come after « Valider ». Every text shown comes from the page (its
// data attributes, in the page's language) or from the server's answers (in the request's language): none is written
// here.
(function () {
  'use strict';

  function debounce(fn, ms) {
    var timer;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }

  function csrfToken(input) {
    var field = input.form && input.form.querySelector('input[name="_csrf"]');
    return field ? field.value : '';
  }

  function show(target, kind, text) {
    target.classList.remove('fr-message--valid', 'fr-message--error', 'fr-message--info');
    if (kind) target.classList.add('fr-message--' + kind);
    target.textContent = text;
  }

  // The checklist under the field (« Le niveau "Moyen" », « 8 caractères »…): each rule ticked as soon as it is met.
  function tick(checklist, rules) {
    if (!checklist) return;
    checklist.querySelectorAll('[data-rule]').forEach(function (item) {
      var met = Boolean(rules && rules[item.getAttribute('data-rule')]);
      item.setAttribute('data-met', met ? 'oui' : 'non');
      item.classList.toggle('fr-message--valid', met);
      var state = item.querySelector('.fr-sr-only');
      if (state) state.textContent = checklist.getAttribute(met ? 'data-text-met' : 'data-text-not-yet') || '';
    });
  }

  document.querySelectorAll('input[data-strength-url]').forEach(function (input) {
    var meter = document.getElementById(input.id + '-force');
    if (!meter) return;
    var checklist = document.getElementById(input.id + '-regles');
    var personal = [];
    try {
      personal = JSON.parse(input.getAttribute('data-personal') || '[]');
    } catch (e) {
      personal = [];
    }
    var personalFields = (input.getAttribute('data-personal-fields') || '').split(' ').filter(Boolean);
    var latest = 0;
    var check = debounce(function () {
      var password = input.value;
      if (!password) {
        meter.hidden = true;
        tick(checklist, null);
        return;
      }
      var values = personal.concat(
        personalFields.map(function (name) {
          var field = input.form.elements.namedItem(name);
          return field && 'value' in field ? field.value : '';
        }),
      );
      var request = ++latest;
      fetch(input.getAttribute('data-strength-url'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken(input) },
        credentials: 'same-origin',
        body: JSON.stringify({ password: password, personal: values }),
      })
        .then(function (res) {
          return res.ok ? res.json() : null;
        })
        .then(function (answer) {
          if (!answer || request !== latest) return;
          meter.hidden = false;
          meter.setAttribute('data-level', answer.strength);
          tick(checklist, answer.rules);
          var label = meter.querySelector('.force__libelle');
          var detail = meter.querySelector('.force__detail');
          label.textContent = meter.getAttribute('data-level-' + answer.strength) || '';
          if (answer.accepted) show(detail, 'valid', meter.getAttribute('data-accepted') || '');
          else show(detail, 'error', answer.message);
        })
        .catch(function () {
          meter.hidden = true;
        });
    }, 250);
    input.addEventListener('input', check);
  });

  document.querySelectorAll('input[data-availability-url]').forEach(function (input) {
    var target = document.getElementById(input.id + '-disponibilite');
    if (!target) return;
    var latest = 0;
    var check = debounce(function () {
      var value = input.value.trim();
      if (!value) {
        show(target, '', '');
        return;
      }
      var request = ++latest;
      var url = input.getAttribute('data-availability-url') + '?valeur=' + encodeURIComponent(value);
      fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
        .then(function (res) {
          return res.ok ? res.json() : null;
        })
        .then(function (answer) {
          if (!answer || request !== latest) return;
          show(target, answer.status === 'available' ? 'valid' : 'error', answer.message);
        })
        .catch(function () {});
    }, 300);
    input.addEventListener('input', check);
  });

  // The default identifier (prénom.nom) proposed in the field as soon as both names are typed, as long as the person
  // has not typed one of their own.
  document.querySelectorAll('input[data-propose-url]').forEach(function (input) {
    var form = input.form;
    var given = form && form.elements.namedItem('givenName');
    var family = form && form.elements.namedItem('familyName');
    var target = document.getElementById(input.id + '-disponibilite');
    if (!given || !family || !target) return;
    var proposed = '';
    var latest = 0;
    var propose = debounce(function () {
      if (input.value.trim() && input.value !== proposed) return;
      var request = ++latest;
      var url =
        input.getAttribute('data-propose-url') +
        '?prenom=' +
        encodeURIComponent(given.value) +
        '&nom=' +
        encodeURIComponent(family.value);
      fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
        .then(function (res) {
          return res.ok ? res.json() : null;
        })
        .then(function (answer) {
          if (!answer || request !== latest) return;
          if (input.value.trim() && input.value !== proposed) return;
          proposed = answer.identifier;
          input.value = answer.identifier;
          show(target, answer.identifier ? 'valid' : '', answer.message);
        })
        .catch(function () {});
    }, 300);
    given.addEventListener('input', propose);
    family.addEventListener('input', propose);
    if (!input.value.trim() && given.value && family.value) propose();
  });
})();
