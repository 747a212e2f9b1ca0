/** The terms-of-use texts in the languages the service speaks. */
import type { Language } from './domain.js';

/** How long the person has to accept the terms once the evidence is in (and a link stays valid). */
export const TERMS_LINK_SECONDS = 14 * 24 * 3600;

const SMS: Record<Language, (link: string, until: string) => string> = {
  en: (l, u) =>
    `Smart Registration: please accept the terms of use for electronic signatures: ${l} (valid until ${u})`,
  de: (l, u) =>
    `Smart Registration: Bitte akzeptieren Sie die Nutzungsbedingungen für elektronische Signaturen: ${l} (gültig bis ${u})`,
  fr: (l, u) =>
    `Smart Registration : veuillez accepter les conditions d'utilisation des signatures électroniques : ${l} (valable jusqu'au ${u})`,
  it: (l, u) =>
    `Smart Registration: accetti le condizioni d'uso per le firme elettroniche: ${l} (valido fino al ${u})`,
};

export function termsSmsText(language: string, link: string, expiresAt: string): string {
  const text = SMS[(language in SMS ? language : 'en') as Language];
  return text(link, expiresAt.slice(0, 10));
}

export interface TermsPageText {
  title: string;
  intro: string;
  terms: string[];
  accept: string;
  accepted: string;
  /** The link back to the SP's page (the start call's redirectUrl). */
  back: string;
  invalid: string;
  expired: string;
  /** The identification ended (not accepted in time, cancelled): only a new one helps. */
  ended: string;
  used: string;
  /** The form did not say "I accept" (tampered with or sent by something else): nothing recorded. */
  notAccepted: string;
  /** The form was sent from another site: nothing recorded. */
  foreign: string;
  /** Heading of the short summary, beside the full terms-of-use document. */
  summary: string;
  version: string;
  readFull: string;
  pseudonymLabel: string;
  pseudonymHint: string;
  pseudonymInvalid: string;
  /** A new terms version was published while the page was open: nothing recorded. */
  changed: string;
}

export const TERMS_PAGE: Record<Language, TermsPageText> = {
  en: {
    title: 'Terms of use for electronic signatures',
    intro:
      'You were identified for electronic signatures. To sign from now on without being identified again, accept the terms of use.',
    terms: [
      'Your mobile number is registered as your means of authentication when you sign.',
      'Your identification evidence is kept as evidence for the signatures you make.',
      'The registration stays valid until your identity document expires, at most five years.',
    ],
    accept: 'I accept the terms of use',
    accepted: 'Thank you. You can now sign electronically.',
    back: 'Back to your service provider',
    invalid:
      'This link is not valid. Open the whole link from the SMS, or ask your service provider to send a new one.',
    expired: 'This link has expired. Ask your service provider to send a new one.',
    ended:
      'This identification has ended, so the terms can no longer be accepted with this link. To sign, ask your service provider to start a new identification.',
    used: 'The terms were already accepted with this link.',
    notAccepted: 'Nothing was recorded. To accept, open the link again and press the button.',
    foreign: 'Nothing was recorded: the acceptance must be sent from this page itself.',
    summary: 'In short',
    version: 'Version',
    readFull: 'Read the full terms of use',
    pseudonymLabel: 'Pseudonym (optional)',
    pseudonymHint:
      'Your signatures may then show this name instead of your first and last name. Letters, spaces, apostrophes, hyphens and dots, beginning with a letter and ending with a letter or a dot, at most 100 characters.',
    pseudonymInvalid:
      'Nothing was recorded: a pseudonym may contain letters, spaces, apostrophes, hyphens and dots only, begins with a letter and ends with a letter or a dot (no space before or after it), at most 100 characters. Open the link again to choose another one.',
    changed:
      'Nothing was recorded: the terms of use changed while the page was open. Open the link again to read the new version.',
  },
  de: {
    title: 'Nutzungsbedingungen für elektronische Signaturen',
    intro:
      'Sie wurden für elektronische Signaturen identifiziert. Um künftig ohne erneute Identifikation zu signieren, akzeptieren Sie die Nutzungsbedingungen.',
    terms: [
      'Ihre Mobilnummer wird als Authentisierungsmittel für Ihre Signaturen registriert.',
      'Der Nachweis Ihrer Identifikation wird als Beleg für Ihre Signaturen aufbewahrt.',
      'Die Registrierung gilt bis zum Ablauf Ihres Ausweisdokuments, höchstens fünf Jahre.',
    ],
    accept: 'Ich akzeptiere die Nutzungsbedingungen',
    accepted: 'Vielen Dank. Sie können jetzt elektronisch signieren.',
    back: 'Zurück zu Ihrem Dienstanbieter',
    invalid:
      'Dieser Link ist nicht gültig. Öffnen Sie den vollständigen Link aus der SMS oder bitten Sie Ihren Dienstanbieter um einen neuen.',
    expired: 'Dieser Link ist abgelaufen. Bitten Sie Ihren Dienstanbieter um einen neuen.',
    ended:
      'Diese Identifikation ist beendet: Die Bedingungen können mit diesem Link nicht mehr akzeptiert werden. Um zu signieren, bitten Sie Ihren Dienstanbieter, eine neue Identifikation zu starten.',
    used: 'Die Bedingungen wurden mit diesem Link bereits akzeptiert.',
    notAccepted:
      'Es wurde nichts gespeichert. Um zu akzeptieren, öffnen Sie den Link erneut und drücken Sie die Schaltfläche.',
    foreign: 'Es wurde nichts gespeichert: Die Zustimmung muss von dieser Seite selbst gesendet werden.',
    summary: 'Kurz gesagt',
    version: 'Version',
    readFull: 'Vollständige Nutzungsbedingungen lesen',
    pseudonymLabel: 'Pseudonym (freiwillig)',
    pseudonymHint:
      'Ihre Signaturen können dann diesen Namen statt Ihres Vor- und Nachnamens zeigen. Buchstaben, Leerzeichen, Apostrophe, Bindestriche und Punkte, am Anfang ein Buchstabe, am Ende ein Buchstabe oder Punkt, höchstens 100 Zeichen.',
    pseudonymInvalid:
      'Es wurde nichts gespeichert: Ein Pseudonym darf nur Buchstaben, Leerzeichen, Apostrophe, Bindestriche und Punkte enthalten, beginnt mit einem Buchstaben und endet mit einem Buchstaben oder Punkt (kein Leerzeichen davor oder danach), höchstens 100 Zeichen. Öffnen Sie den Link erneut, um ein anderes zu wählen.',
    changed:
      'Es wurde nichts gespeichert: Die Nutzungsbedingungen wurden geändert, während die Seite offen war. Öffnen Sie den Link erneut, um die neue Version zu lesen.',
  },
  fr: {
    title: "Conditions d'utilisation des signatures électroniques",
    intro:
      "Vous avez été identifié pour les signatures électroniques. Pour signer désormais sans nouvelle identification, acceptez les conditions d'utilisation.",
    terms: [
      "Votre numéro de mobile est enregistré comme moyen d'authentification pour vos signatures.",
      'La preuve de votre identification est conservée comme justificatif de vos signatures.',
      "L'enregistrement reste valable jusqu'à l'expiration de votre pièce d'identité, cinq ans au plus.",
    ],
    accept: "J'accepte les conditions d'utilisation",
    accepted: 'Merci. Vous pouvez maintenant signer électroniquement.',
    back: 'Retour à votre fournisseur de services',
    invalid:
      "Ce lien n'est pas valable. Ouvrez le lien complet reçu par SMS ou demandez-en un nouveau à votre fournisseur de services.",
    expired: 'Ce lien a expiré. Demandez-en un nouveau à votre fournisseur de services.',
    ended:
      'Cette identification est terminée : les conditions ne peuvent plus être acceptées avec ce lien. Pour signer, demandez à votre fournisseur de services de lancer une nouvelle identification.',
    used: 'Les conditions ont déjà été acceptées avec ce lien.',
    notAccepted: "Rien n'a été enregistré. Pour accepter, ouvrez à nouveau le lien et appuyez sur le bouton.",
    foreign: "Rien n'a été enregistré : l'acceptation doit être envoyée depuis cette page même.",
    summary: 'En bref',
    version: 'Version',
    readFull: "Lire les conditions d'utilisation complètes",
    pseudonymLabel: 'Pseudonyme (facultatif)',
    pseudonymHint:
      'Vos signatures peuvent alors montrer ce nom à la place de votre prénom et de votre nom. Lettres, espaces, apostrophes, traits d’union et points, commençant par une lettre et finissant par une lettre ou un point, 100 caractères au plus.',
    pseudonymInvalid:
      "Rien n'a été enregistré : un pseudonyme ne peut contenir que des lettres, espaces, apostrophes, traits d'union et points, commence par une lettre et se termine par une lettre ou un point (sans espace avant ni après), 100 caractères au plus. Ouvrez à nouveau le lien pour en choisir un autre.",
    changed:
      "Rien n'a été enregistré : les conditions d'utilisation ont changé pendant que la page était ouverte. Ouvrez à nouveau le lien pour lire la nouvelle version.",
  },
  it: {
    title: "Condizioni d'uso per le firme elettroniche",
    intro:
      "È stato identificato per le firme elettroniche. Per firmare d'ora in poi senza nuova identificazione, accetti le condizioni d'uso.",
    terms: [
      'Il suo numero di cellulare viene registrato come mezzo di autenticazione per le firme.',
      'La prova della sua identificazione viene conservata come giustificativo delle firme.',
      "La registrazione resta valida fino alla scadenza del documento d'identità, al massimo cinque anni.",
    ],
    accept: "Accetto le condizioni d'uso",
    accepted: 'Grazie. Ora può firmare elettronicamente.',
    back: 'Torna al suo fornitore di servizi',
    invalid:
      'Questo link non è valido. Apra il link completo ricevuto per SMS o ne chieda uno nuovo al suo fornitore di servizi.',
    expired: 'Questo link è scaduto. Ne chieda uno nuovo al suo fornitore di servizi.',
    ended:
      'Questa identificazione è terminata: le condizioni non possono più essere accettate con questo link. Per firmare, chieda al suo fornitore di servizi di avviare una nuova identificazione.',
    used: 'Le condizioni sono già state accettate con questo link.',
    notAccepted: 'Non è stato registrato nulla. Per accettare, apra di nuovo il link e prema il pulsante.',
    foreign: "Non è stato registrato nulla: l'accettazione deve essere inviata da questa pagina stessa.",
    summary: 'In breve',
    version: 'Versione',
    readFull: "Leggere le condizioni d'uso complete",
    pseudonymLabel: 'Pseudonimo (facoltativo)',
    pseudonymHint:
      'Le sue firme possono allora mostrare questo nome al posto del nome e del cognome. Lettere, spazi, apostrofi, trattini e punti, che inizia con una lettera e finisce con una lettera o un punto, al massimo 100 caratteri.',
    pseudonymInvalid:
      'Non è stato registrato nulla: uno pseudonimo può contenere solo lettere, spazi, apostrofi, trattini e punti, inizia con una lettera e finisce con una lettera o un punto (senza spazi prima o dopo), al massimo 100 caratteri. Apra di nuovo il link per sceglierne un altro.',
    changed:
      "Non è stato registrato nulla: le condizioni d'uso sono cambiate mentre la pagina era aperta. Apra di nuovo il link per leggere la nuova versione.",
  },
};

export function termsPageText(language: string): TermsPageText {
  return TERMS_PAGE[(language in TERMS_PAGE ? language : 'en') as Language];
}
