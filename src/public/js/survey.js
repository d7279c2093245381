/*
 * The survey pages' only script: one question per screen, read-aloud, sending with retries, and
 * the tablet's idle timer. No framework, no external requests, no storage: the answers live in the
 * form on this page only, and are cleared before the page is left. Without this script the page is
 * one long form that works as it is. Written for old tablets: ES2017, no modules.
 */
(function () {
  'use strict';
  var root = document.documentElement;
  root.classList.remove('no-js');
  root.classList.add('js');
  document.addEventListener('DOMContentLoaded', init);

  function init() {
    var page = document.querySelector('[data-page]');
    if (!page) return;
    var kind = page.getAttribute('data-page');
    // A questions or closing page restored from the browser's back-forward cache starts over from
    // the server: it may hold the answers or the closing screen of the young person before.
    if (kind === 'questions' || kind === 'closing') {
      window.addEventListener('pageshow', function (event) {
        if (event.persisted) location.reload();
      });
    }
    readAloud(page);
    if (kind === 'questions') questions(page);
    if (kind === 'closing' && page.hasAttribute('data-tablet')) returnToStart(page);
    var replaceLinks = page.querySelectorAll('a[data-replace]');
    for (var i = 0; i < replaceLinks.length; i++) {
      replaceLinks[i].addEventListener('click', function (event) {
        event.preventDefault();
        location.replace(this.getAttribute('href'));
      });
    }
  }

  // Read-aloud: the browser's own speech synthesis, in the questionnaire's language, with a voice
  // on the device only (some browsers also offer voices that run on a server: never those).
  var speech = 'speechSynthesis' in window && 'SpeechSynthesisUtterance' in window ? window.speechSynthesis : null;

  /** A voice on this device for the language; null when the only voices for it are on a server. */
  function voiceFor(lang) {
    var voices = speech.getVoices();
    var base = lang.toLowerCase().slice(0, 2);
    var any = false;
    for (var i = 0; i < voices.length; i++) {
      if (!voices[i].lang || voices[i].lang.toLowerCase().slice(0, 2) !== base) continue;
      any = true;
      if (voices[i].localService) return { voice: voices[i] };
    }
    // No voices listed at all (still loading, or none): let the browser choose by language.
    return voices.length === 0 || !any ? { voice: undefined } : null;
  }

  function say(text, lang) {
    if (!speech) return;
    var choice = voiceFor(lang);
    if (!choice) return;
    speech.cancel();
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = lang;
    if (choice.voice) utterance.voice = choice.voice;
    speech.speak(utterance);
  }

  function hush() {
    if (speech) speech.cancel();
  }

  function readAloud(page) {
    if (!speech) return;
    var buttons = page.querySelectorAll('[data-say]');
    function offer() {
      for (var i = 0; i < buttons.length; i++) buttons[i].hidden = !voiceFor(buttons[i].getAttribute('data-lang'));
    }
    offer();
    if (speech.addEventListener) speech.addEventListener('voiceschanged', offer);
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener('click', function () {
        say(this.getAttribute('data-say'), this.getAttribute('data-lang'));
      });
    }
    var explains = page.querySelectorAll('details.explain');
    for (var j = 0; j < explains.length; j++) {
      explains[j].addEventListener('toggle', function () {
        var simple = this.querySelector('.simple');
        if (this.open) say(simple.textContent, simple.getAttribute('lang'));
        else hush();
      });
    }
  }

  function questions(page) {
    var form = page.querySelector('form');
    var screens = Array.prototype.slice.call(form.querySelectorAll('[data-screen]'));
    var status = form.querySelector('[data-status]');
    var sendButton = form.querySelector('[data-send]');
    var retryButton = form.querySelector('[data-retry]');
    var startAgain = form.querySelector('[data-start-again]');
    startAgain.addEventListener('click', function () {
      form.reset();
      location.replace(page.getAttribute('data-start'));
    });
    var current = 0;
    // The answers as first sent: retries send exactly these, and nothing can be changed meanwhile.
    var sent = null;

    function answered(screen) {
      var field = screen.querySelector('input[type=radio]:checked, textarea');
      return !!field && (field.type === 'radio' || field.value.trim() !== '');
    }

    /** The labels that follow the answers: "Next" or "Skip", and the count on the review screen. */
    function refresh() {
      var screen = screens[current];
      var next = screen.querySelector('[data-next]');
      if (next) next.textContent = answered(screen) ? form.getAttribute('data-label-next') : form.getAttribute('data-label-skip');
      // A tapped answer can be taken back: skipping a question stays possible.
      var clear = screen.querySelector('[data-clear]');
      if (clear) clear.hidden = !answered(screen) || sent !== null;
      var count = screen.querySelector('[data-review-count]');
      if (count) {
        var done = screens.filter(answered).length;
        count.textContent = count.getAttribute('data-review-count').replace('{answered}', String(done));
      }
    }

    function show(index, focus) {
      hush();
      current = Math.max(0, Math.min(index, screens.length - 1));
      screens.forEach(function (screen, i) {
        screen.hidden = i !== current;
      });
      var back = screens[current].querySelector('[data-back]');
      if (back) back.disabled = current === 0 || sent !== null;
      refresh();
      window.scrollTo(0, 0);
      if (focus) {
        var heading = screens[current].querySelector('[tabindex="-1"]');
        if (heading) heading.focus();
      }
    }

    form.addEventListener('click', function (event) {
      var target = event.target.closest ? event.target.closest('button') : null;
      if (!target) return;
      if (target.hasAttribute('data-next')) show(current + 1, true);
      if (target.hasAttribute('data-back')) show(current - 1, true);
      if (target.hasAttribute('data-retry')) send();
      if (target.hasAttribute('data-clear')) {
        var chosen = screens[current].querySelectorAll('input[type=radio]');
        for (var i = 0; i < chosen.length; i++) chosen[i].checked = false;
        refresh();
        var first = screens[current].querySelector('input[type=radio]');
        if (first) first.focus();
      }
    });
    form.addEventListener('change', refresh);
    form.addEventListener('input', refresh);

    function payload() {
      var body = { submissionId: form.elements.submissionId.value, roundId: form.elements.roundId.value, groupId: form.elements.groupId.value, answers: {}, open: {} };
      for (var i = 0; i < form.elements.length; i++) {
        var el = form.elements[i];
        if (el.type === 'radio' && el.checked && el.name.indexOf('a:') === 0) body.answers[el.name.slice(2)] = Number(el.value);
        if (el.tagName === 'TEXTAREA' && el.name.indexOf('o:') === 0 && el.value.trim() !== '') body.open[el.name.slice(2)] = el.value;
      }
      return JSON.stringify(body);
    }

    function tell(message, failed) {
      status.textContent = message;
      status.classList.toggle('failed', !!failed);
    }

    var attempts = 0;
    var retryTimer = null;
    var sending = false;

    function finish(next) {
      // Nothing of the answers stays behind: clear the form, drop the screens, and replace this
      // page in the history so the back button shows the start screen.
      sending = true;
      form.reset();
      screens.forEach(function (screen) {
        screen.parentNode.removeChild(screen);
      });
      location.replace(next);
    }

    function retryLater() {
      attempts += 1;
      sending = false;
      sendButton.disabled = false;
      retryButton.hidden = false;
      tell(form.getAttribute('data-msg-failed'), true);
      retryTimer = setTimeout(send, Math.min(30000, 2000 * Math.pow(2, attempts - 1)));
    }

    function send() {
      if (sending) return;
      sending = true;
      if (sent === null) {
        sent = payload();
        var backs = form.querySelectorAll('[data-back]');
        for (var b = 0; b < backs.length; b++) backs[b].disabled = true;
      }
      clearTimeout(retryTimer);
      sendButton.disabled = true;
      retryButton.hidden = true;
      tell(form.getAttribute('data-msg-sending'), false);
      var controller = 'AbortController' in window ? new AbortController() : null;
      var timeout = setTimeout(function () {
        if (controller) controller.abort();
      }, 20000);
      fetch(form.getAttribute('action'), {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': form.elements._csrf.value },
        body: sent,
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          return response.json().then(
            function (body) { return { response: response, body: body }; },
            function () { return { response: response, body: {} }; }
          );
        })
        .then(function (result) {
          clearTimeout(timeout);
          var error = result.body && result.body.error;
          if (result.response.ok) return finish(result.body.next || form.getAttribute('data-done'));
          if (result.response.status === 409 && error && error.code === 'already-received') return finish(form.getAttribute('data-done'));
          if (result.response.status >= 500 || result.response.status === 429 || !error) return retryLater();
          // Refused (closed round, used code…): say why; sending again would not help. Only
          // "start again" is left, which clears everything.
          tell(error.message + (error.details && error.details[0] ? ' ' + error.details[0].message : ''), true);
          sendButton.hidden = true;
          startAgain.hidden = false;
        })
        .catch(function () {
          clearTimeout(timeout);
          retryLater();
        });
    }

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      send();
    });

    if (page.hasAttribute('data-tablet')) idle(page, form);
    show(0, false);
  }

  /** Tablet: after a while without a touch ask "are you still there?"; a minute later discard. */
  function idle(page, form) {
    var warnMs = Number(page.getAttribute('data-idle-warn'));
    var discardMs = Number(page.getAttribute('data-idle-discard'));
    var box = page.querySelector('[data-idle]');
    var warnTimer = null;
    var discardTimer = null;

    function discard() {
      form.reset();
      location.replace(page.getAttribute('data-start'));
    }
    var before = null;
    function warn() {
      before = document.activeElement;
      box.hidden = false;
      form.inert = true;
      box.querySelector('button').focus();
      discardTimer = setTimeout(discard, discardMs);
    }
    function touched() {
      if (!box.hidden) return;
      clearTimeout(warnTimer);
      warnTimer = setTimeout(warn, warnMs);
    }
    box.querySelector('[data-idle-continue]').addEventListener('click', function () {
      clearTimeout(discardTimer);
      box.hidden = true;
      form.inert = false;
      if (before && before.focus) before.focus();
      touched();
    });
    ['pointerdown', 'keydown', 'touchstart', 'input'].forEach(function (type) {
      document.addEventListener(type, touched, true);
    });
    touched();
  }

  /** Tablet closing screen: back to the start screen for the next young person after a while. */
  function returnToStart(page) {
    var ms = Number(page.getAttribute('data-return'));
    var timer = null;
    function touched() {
      clearTimeout(timer);
      timer = setTimeout(function () {
        location.replace(page.getAttribute('data-start'));
      }, ms);
    }
    ['pointerdown', 'keydown', 'touchstart'].forEach(function (type) {
      document.addEventListener(type, touched, true);
    });
    touched();
  }
})();
