/**
 * The survey for young people: short sentences, plain words (B1 Dutch or simpler), "je" not "u".
 * Dutch first, English beside it. Staff-side texts about tablets and talk requests are at the end.
 */
export const surveyMessages = {
  's.title': { nl: 'Hoe is het op je groep?', en: 'How is it in your group?' },
  's.intro': { nl: 'Je krijgt een paar vragen over hoe het is op je groep.', en: 'You will get some questions about how it is in your group.' },
  's.intro-anonymous': {
    nl: 'Niemand kan zien wat jij antwoordt. De begeleiding ziet alleen wat de hele groep samen vindt.',
    en: 'Nobody can see what you answer. The staff only see what the whole group thinks together.',
  },
  's.intro-free': {
    nl: 'Er zijn geen goede of foute antwoorden. Je mag een vraag overslaan. Je hebt alle tijd.',
    en: 'There are no right or wrong answers. You may skip a question. Take all the time you need.',
  },
  's.intro-time': { nl: 'Het duurt ongeveer {minutes} minuten.', en: 'It takes about {minutes} minutes.' },
  's.choose-language': { nl: 'Taal', en: 'Language' },
  's.begin': { nl: 'Beginnen', en: 'Start' },
  's.staff-leave': { nl: 'Voor begeleiding: tabletmodus stoppen', en: 'For staff: stop tablet mode' },

  's.question-of': { nl: 'Vraag {n} van {total}', en: 'Question {n} of {total}' },
  's.read-aloud': { nl: 'Lees voor', en: 'Read aloud' },
  's.explain': { nl: 'Wat betekent dit?', en: 'What does this mean?' },
  's.back': { nl: 'Terug', en: 'Back' },
  's.next': { nl: 'Volgende', en: 'Next' },
  's.clear-answer': { nl: 'Antwoord weghalen', en: 'Remove my answer' },
  's.skip': { nl: 'Overslaan', en: 'Skip' },
  's.open-hint': { nl: 'Je mag dit leeg laten. Schrijf geen namen op.', en: 'You may leave this empty. Please do not write any names.' },
  's.your-answer': { nl: 'Jouw antwoord', en: 'Your answer' },
  's.no-js': {
    nl: 'Beantwoord de vragen die je wilt, en druk onderaan op Versturen.',
    en: 'Answer the questions you want to, then press Send at the bottom.',
  },
  's.review-title': { nl: 'Klaar om te versturen', en: 'Ready to send' },
  's.review-count': { nl: 'Je hebt {answered} van de {total} vragen beantwoord.', en: 'You answered {answered} of the {total} questions.' },
  's.review-text': {
    nl: 'Wil je nog iets veranderen? Ga dan terug. Na het versturen kun je niets meer veranderen.',
    en: 'Do you want to change something? Then go back. After sending you cannot change anything.',
  },
  's.send': { nl: 'Versturen', en: 'Send' },
  's.sending': { nl: 'Bezig met versturen…', en: 'Sending…' },
  's.send-failed': {
    nl: 'Het versturen lukt nu niet. Je antwoorden zijn niet weg: we proberen het zo opnieuw. Laat deze pagina open.',
    en: 'Sending is not working right now. Your answers are not lost: we will try again in a moment. Keep this page open.',
  },
  's.retry-now': { nl: 'Nu opnieuw proberen', en: 'Try again now' },
  's.idle-title': { nl: 'Ben je er nog?', en: 'Are you still there?' },
  's.idle-text': {
    nl: 'Je hebt een tijdje niets gedaan. Wil je verder? Druk dan op de knop. Anders worden je antwoorden over een minuut gewist.',
    en: 'You have not done anything for a while. Do you want to go on? Then press the button. Otherwise your answers will be deleted in one minute.',
  },
  's.idle-continue': { nl: 'Ja, ik ga verder', en: 'Yes, I want to go on' },

  's.thanks-title': { nl: 'Dank je wel!', en: 'Thank you!' },
  's.thanks-text': {
    nl: 'Je antwoorden zijn verstuurd. Ze helpen om het leven op de groep beter te maken.',
    en: 'Your answers have been sent. They help to make life in the group better.',
  },
  's.help-title': { nl: 'Hier kun je altijd terecht', en: 'Where you can always go' },
  's.help-intro': {
    nl: 'Zit je ergens mee? Deze mensen werken niet voor de groep. Je hoeft niet te zeggen wie je bent.',
    en: 'Is something bothering you? These people do not work for the group. You do not have to say who you are.',
  },
  's.talk-title': { nl: 'Wil je met iemand van de groep praten?', en: 'Would you like to talk to someone from the group?' },
  's.talk-explain': {
    nl: 'Druk op de knop. De begeleiding van je groep hoort dan morgen dat iemand van de groep wil praten. Ze horen niet wie.',
    en: 'Press the button. The staff of your group will then hear tomorrow that someone in the group wants to talk. They will not hear who.',
  },
  's.talk-button': { nl: 'Ik wil graag met iemand praten', en: 'I would like to talk to someone' },
  's.talk-sent-title': { nl: 'Je vraag is doorgegeven', en: 'Your request has been passed on' },
  's.talk-sent-1': {
    nl: 'Vanaf morgen ziet de begeleiding van je groep dat iemand van de groep wil praten. Ze weten niet dat jij het bent.',
    en: 'From tomorrow, the staff of your group will see that someone in the group wants to talk. They do not know it was you.',
  },
  's.talk-sent-2': {
    nl: 'Ze laten in de groep weten dat je altijd bij hen terecht kunt. Wil je zeker weten dat je een gesprek krijgt? Zeg het dan zelf tegen een begeleider die je vertrouwt.',
    en: 'They will let the group know that you can always come to them. Do you want to be sure you get a talk? Then tell a staff member you trust.',
  },
  's.talk-sent-3': {
    nl: 'Je kunt ook iemand van de lijst hieronder bellen of een bericht sturen.',
    en: 'You can also call or message someone from the list below.',
  },
  's.done-tablet': { nl: 'Klaar', en: 'Done' },
  's.done-tablet-hint': { nl: 'Daarna is de tablet klaar voor de volgende.', en: 'The tablet is then ready for the next person.' },

  's.code-title': { nl: 'Vul je code in', en: 'Enter your code' },
  's.code-label': { nl: 'Je code', en: 'Your code' },
  's.code-hint': {
    nl: 'De code staat op je briefje, bijvoorbeeld ACDE-2345. Kleine letters en streepjes maken niet uit.',
    en: 'The code is on your slip of paper, for example ACDE-2345. Small letters and dashes do not matter.',
  },
  's.code-submit': { nl: 'Verder', en: 'Continue' },
  's.code-unknown': { nl: 'Deze code klopt niet. Kijk of je hem goed hebt overgetypt.', en: 'This code is not right. Check that you typed it correctly.' },
  's.code-used': {
    nl: 'Deze code is al gebruikt. Elke code werkt maar één keer. Vraag de begeleiding om een nieuwe code.',
    en: 'This code has already been used. Each code works only once. Ask the staff for a new code.',
  },
  's.round-not-open': { nl: 'De vragenlijst is nu niet open. Er is niets opgeslagen.', en: 'The questionnaire is not open now. Nothing was saved.' },
  's.no-access': {
    nl: 'Je kunt de vragenlijst nu niet invullen. Vul eerst je code in, of vraag het de begeleiding.',
    en: 'You cannot fill in the questionnaire right now. Enter your code first, or ask the staff.',
  },
  's.wrong-group': {
    nl: 'Deze vragenlijst hoort bij een andere groep of ronde. Er is niets opgeslagen. Begin opnieuw.',
    en: 'This questionnaire belongs to another group or round. Nothing was saved. Please start again.',
  },
  's.already-received': { nl: 'Je antwoorden waren al ontvangen. Je hoeft niets meer te doen.', en: 'Your answers had already been received. There is nothing more to do.' },
  's.nothing-answered': { nl: 'Je hebt nog geen enkele vraag beantwoord.', en: 'You have not answered any question yet.' },
  's.answers-invalid': {
    nl: 'Er klopt iets niet met de antwoorden. Er is niets opgeslagen.',
    en: 'Something is wrong with the answers. Nothing was saved.',
  },
  's.busy': { nl: 'Het is nu erg druk. Probeer het zo opnieuw.', en: 'It is very busy right now. Please try again in a moment.' },
  's.closed-title': { nl: 'De vragenlijst is nu niet open', en: 'The questionnaire is not open now' },
  's.closed-text': { nl: 'Vraag de begeleiding wanneer je hem kunt invullen.', en: 'Ask the staff when you can fill it in.' },
  's.tablet-ended-title': { nl: 'Deze tablet is klaar', en: 'This tablet is finished' },
  's.tablet-ended': {
    nl: 'De vragenlijst staat niet meer open op deze tablet. Geef de tablet terug aan de begeleiding.',
    en: 'The questionnaire is no longer open on this tablet. Please hand the tablet back to the staff.',
  },
  's.error-heading': { nl: 'Dat lukte niet', en: 'That did not work' },
  's.start-again': { nl: 'Opnieuw beginnen', en: 'Start again' },

  's.leave-title': { nl: 'Tabletmodus stoppen', en: 'Stop tablet mode' },
  's.leave-intro': {
    nl: 'Alleen voor de begeleiding. Vul je pincode in, of log in met je e-mailadres en wachtwoord.',
    en: 'For staff only. Enter your PIN, or sign in with your email address and password.',
  },
  's.pin': { nl: 'Pincode', en: 'PIN' },
  's.leave-with-pin': { nl: 'Stoppen met pincode', en: 'Stop with PIN' },
  's.leave-with-login': { nl: 'Stoppen en inloggen', en: 'Stop and sign in' },
  's.pin-wrong': { nl: 'Deze pincode klopt niet.', en: 'This PIN is not right.' },
  's.not-your-tablet': {
    nl: 'Met dit account kun je deze tablet niet stoppen. Gebruik een account van deze groep of instelling.',
    en: 'This account cannot stop this tablet. Use an account of this group or institution.',
  },
  's.back-to-survey': { nl: 'Terug naar de vragenlijst', en: 'Back to the questionnaire' },
  's.no-open-round-for-group': { nl: 'Deze groep doet nu niet mee aan een open meetronde.', en: 'This group is not taking part in an open round right now.' },

  's.tablet-start': { nl: 'Tabletmodus starten', en: 'Start tablet mode' },
  's.tablet-start-for': { nl: 'voor {group}', en: 'for {group}' },
  's.tablet-explain': {
    nl: 'Tabletmodus maakt van dit apparaat een invultablet voor de groep: jongeren vullen de vragenlijst een voor een in. Je wordt op dit apparaat uitgelogd. Stoppen kan met je pincode of door in te loggen. Laat de browser van de groepstablet je wachtwoord niet onthouden.',
    en: 'Tablet mode turns this device into the group’s survey tablet: young people fill in the questionnaire one by one. You are signed out on this device. To stop, use your PIN or sign in. Do not let the group tablet’s browser remember your password.',
  },
  's.tablet-no-pin': {
    nl: 'Tip: stel een pincode in bij Mijn account. Dan kun je de tabletmodus snel stoppen.',
    en: 'Tip: set a PIN under My account. Then you can stop tablet mode quickly.',
  },
  's.talk-requests': { nl: 'Gespreksverzoeken', en: 'Requests to talk' },
  's.talk-requests-explain': {
    nl: 'Iemand van de groep heeft na het invullen gevraagd om met iemand te praten. Je weet niet wie, en dat is zo bedoeld: een verzoek verschijnt hier pas de dag erna, zodat niet te zien is wie het net vroeg. Laat in de groep weten dat iedereen bij jullie terecht kan.',
    en: 'After filling in, someone in the group asked to talk to someone. You do not know who, and that is on purpose: a request shows here only the day after, so it cannot be seen who just asked. Let the group know that everyone can come to you.',
  },
  's.talk-request-line': { nl: 'Iemand van {group} wil graag praten', en: 'Someone in {group} would like to talk' },
  's.talk-request-when': { nl: 'gevraagd op {day} (ronde {period})', en: 'asked on {day} (round {period})' },
  's.talk-handled': { nl: 'Gezien en opgepakt', en: 'Seen and acted on' },
} as const;
