// The neutral theme's only script (the DSFR theme has its own): « Afficher » beside a password field shows what is
// typed. Without JavaScript the field stays masked and the form works the same.
(function () {
  'use strict';
  document.querySelectorAll('.fr-password').forEach(function (group) {
    var input = group.querySelector('input.fr-password__input');
    var toggle = group.querySelector('.fr-password__checkbox input[type="checkbox"]');
    if (!input || !toggle) return;
    toggle.addEventListener('change', function () {
      input.type = toggle.checked ? 'text' : 'password';
    });
  });
})();
