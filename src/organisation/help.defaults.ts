/**
 * Where young people in Dutch youth care can get help, shown on the survey's closing screen until
 * an institution sets its own list. Numbers and addresses as known when written (2026): an
 * institution should check them (the settings page says so).
 */
export const defaultHelpResources = [
  {
    name: 'Vertrouwenspersoon jeugdzorg (AKJ)',
    contact: '088 555 1000',
    textNl: 'Een vertrouwenspersoon werkt niet voor de instelling. Je kunt bellen, appen of chatten als je ergens mee zit.',
    textEn: 'A confidential adviser does not work for the institution. You can call, text or chat when something bothers you.',
  },
  {
    name: 'De Kindertelefoon',
    contact: '0800 0432',
    textNl: 'Gratis en anoniem bellen of chatten, elke dag van 11 tot 21 uur. Tot 18 jaar.',
    textEn: 'Free and anonymous call or chat, every day from 11:00 to 21:00. Up to age 18.',
  },
  {
    name: '113 Zelfmoordpreventie',
    contact: '113 of 0800 0113',
    textNl: 'Denk je aan zelfmoord? Praat erover, dag en nacht. Gratis en anoniem.',
    textEn: 'Are you thinking about suicide? Talk about it, day and night. Free and anonymous.',
  },
  {
    name: 'Chat met Fier',
    contact: 'chatmetfier.nl',
    textNl: 'Chat voor jongeren die te maken hebben met geweld, uitbuiting of seksueel misbruik.',
    textEn: 'Chat for young people facing violence, exploitation or sexual abuse.',
  },
] as const;
