/**
 * What a person reads when a page refuses a request (a form too large, sent in a format the page
 * does not read, from another site, an address that cannot be read, a method the page does not
 * have, a fault on our side): a heading, what happened and what to do next, in the languages the
 * service speaks. Pure data; lambdas/http/page-errors.ts makes the HTML page of it.
 */
import type { Language } from './domain.js';

export interface PageErrorText {
  /** The page heading and title. */
  title: string;
  /** What happened, in one plain sentence. */
  happened: string;
  /** What the person can do next. */
  next: string;
}

/** The refusals a page can meet, by what the person should do about them. */
export type PageErrorKind =
  | 'bad-request'
  | 'forbidden'
  | 'not-found'
  | 'method-not-allowed'
  | 'too-large'
  | 'unsupported-format'
  | 'too-many-requests'
  | 'unavailable'
  | 'internal';

/** The kind of refusal an HTTP status stands for (another 4xx reads as a bad request, another 5xx as internal). */
export function pageErrorKindOf(status: number): PageErrorKind {
  switch (status) {
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 405:
      return 'method-not-allowed';
    case 413:
      return 'too-large';
    case 415:
      return 'unsupported-format';
    case 429:
      return 'too-many-requests';
    case 502:
    case 503:
    case 504:
      return 'unavailable';
    default:
      return status >= 500 ? 'internal' : 'bad-request';
  }
}

export interface PageErrorLabels {
  /** "Error 413": the status, for a person who reports it. */
  status: string;
  /** "Reference": before the correlation id of a fault on our side. */
  reference: string;
}

export const PAGE_ERROR_LABELS: Record<Language, PageErrorLabels> = {
  en: { status: 'Error', reference: 'Reference' },
  de: { status: 'Fehler', reference: 'Referenz' },
  fr: { status: 'Erreur', reference: 'Référence' },
  it: { status: 'Errore', reference: 'Riferimento' },
};

export const PAGE_ERRORS: Record<Language, Record<PageErrorKind, PageErrorText>> = {
  en: {
    'bad-request': {
      title: 'This request could not be read',
      happened: 'The address or the form contained something that is not valid. Nothing was saved.',
      next: 'Go back, reload the page and try again. If you came from a link in a text message, open that link again.',
    },
    forbidden: {
      title: 'Form not accepted',
      happened: 'The form was sent from another website. Nothing was saved.',
      next: 'Open the page again from the link you received and send the form from there.',
    },
    'not-found': {
      title: 'Page not found',
      happened: 'There is no page at this address.',
      next: 'Check the address, or open the link you received again.',
    },
    'method-not-allowed': {
      title: 'This page cannot be used this way',
      happened: 'The page was asked for in a way it does not support. Nothing was saved.',
      next: 'Open the link you received again and use the buttons on the page.',
    },
    'too-large': {
      title: 'The form is too large',
      happened: 'What was sent is larger than this page accepts. Nothing was saved.',
      next: 'Go back, shorten what you entered and send the form again.',
    },
    'unsupported-format': {
      title: 'The form could not be read',
      happened: 'The form arrived in a format this page does not read. Nothing was saved.',
      next: 'Go back, reload the page and send the form again from this page. If it happens again, try another browser.',
    },
    'too-many-requests': {
      title: 'Too many attempts',
      happened: 'This page received too many requests from your connection in a short time.',
      next: 'Wait a minute, then try again.',
    },
    unavailable: {
      title: 'Service temporarily unavailable',
      happened: 'The service is busy or a partner did not answer in time.',
      next: 'Try again in a few minutes.',
    },
    internal: {
      title: 'Something went wrong',
      happened: 'An unexpected error occurred on our side.',
      next: 'Try again in a few minutes. If it happens again, contact your service provider and quote the reference below.',
    },
  },
  de: {
    'bad-request': {
      title: 'Diese Anfrage konnte nicht gelesen werden',
      happened: 'Die Adresse oder das Formular enthielt etwas Ungültiges. Es wurde nichts gespeichert.',
      next: 'Gehen Sie zurück, laden Sie die Seite neu und versuchen Sie es noch einmal. Wenn Sie über einen Link in einer SMS gekommen sind, öffnen Sie diesen Link erneut.',
    },
    forbidden: {
      title: 'Formular nicht angenommen',
      happened: 'Das Formular wurde von einer anderen Website gesendet. Es wurde nichts gespeichert.',
      next: 'Öffnen Sie die Seite erneut über den erhaltenen Link und senden Sie das Formular von dort.',
    },
    'not-found': {
      title: 'Seite nicht gefunden',
      happened: 'Unter dieser Adresse gibt es keine Seite.',
      next: 'Prüfen Sie die Adresse oder öffnen Sie den erhaltenen Link erneut.',
    },
    'method-not-allowed': {
      title: 'Diese Seite kann so nicht verwendet werden',
      happened:
        'Die Seite wurde auf eine Weise aufgerufen, die sie nicht unterstützt. Es wurde nichts gespeichert.',
      next: 'Öffnen Sie den erhaltenen Link erneut und verwenden Sie die Schaltflächen auf der Seite.',
    },
    'too-large': {
      title: 'Das Formular ist zu gross',
      happened: 'Die gesendeten Daten sind grösser, als diese Seite annimmt. Es wurde nichts gespeichert.',
      next: 'Gehen Sie zurück, kürzen Sie Ihre Eingaben und senden Sie das Formular erneut.',
    },
    'unsupported-format': {
      title: 'Das Formular konnte nicht gelesen werden',
      happened:
        'Das Formular kam in einem Format an, das diese Seite nicht liest. Es wurde nichts gespeichert.',
      next: 'Gehen Sie zurück, laden Sie die Seite neu und senden Sie das Formular erneut von dieser Seite. Geschieht es wieder, versuchen Sie es mit einem anderen Browser.',
    },
    'too-many-requests': {
      title: 'Zu viele Versuche',
      happened: 'Diese Seite hat in kurzer Zeit zu viele Anfragen von Ihrer Verbindung erhalten.',
      next: 'Warten Sie eine Minute und versuchen Sie es dann erneut.',
    },
    unavailable: {
      title: 'Dienst vorübergehend nicht verfügbar',
      happened: 'Der Dienst ist ausgelastet oder ein Partner hat nicht rechtzeitig geantwortet.',
      next: 'Versuchen Sie es in einigen Minuten erneut.',
    },
    internal: {
      title: 'Etwas ist schiefgelaufen',
      happened: 'Bei uns ist ein unerwarteter Fehler aufgetreten.',
      next: 'Versuchen Sie es in einigen Minuten erneut. Geschieht es wieder, wenden Sie sich an Ihren Dienstanbieter und nennen Sie die Referenz unten.',
    },
  },
  fr: {
    'bad-request': {
      title: 'Cette demande n’a pas pu être lue',
      happened: 'L’adresse ou le formulaire contenait une donnée non valable. Rien n’a été enregistré.',
      next: 'Revenez en arrière, rechargez la page et réessayez. Si vous êtes arrivé par un lien reçu par SMS, ouvrez de nouveau ce lien.',
    },
    forbidden: {
      title: 'Formulaire refusé',
      happened: 'Le formulaire a été envoyé depuis un autre site web. Rien n’a été enregistré.',
      next: 'Ouvrez de nouveau la page depuis le lien reçu et envoyez le formulaire depuis celle-ci.',
    },
    'not-found': {
      title: 'Page introuvable',
      happened: 'Il n’y a pas de page à cette adresse.',
      next: 'Vérifiez l’adresse ou ouvrez de nouveau le lien reçu.',
    },
    'method-not-allowed': {
      title: 'Cette page ne peut pas être utilisée ainsi',
      happened:
        'La page a été demandée d’une manière qu’elle ne prend pas en charge. Rien n’a été enregistré.',
      next: 'Ouvrez de nouveau le lien reçu et utilisez les boutons de la page.',
    },
    'too-large': {
      title: 'Le formulaire est trop volumineux',
      happened: 'Les données envoyées dépassent ce que cette page accepte. Rien n’a été enregistré.',
      next: 'Revenez en arrière, raccourcissez votre saisie et envoyez de nouveau le formulaire.',
    },
    'unsupported-format': {
      title: 'Le formulaire n’a pas pu être lu',
      happened: 'Le formulaire est arrivé dans un format que cette page ne lit pas. Rien n’a été enregistré.',
      next: 'Revenez en arrière, rechargez la page et envoyez de nouveau le formulaire depuis celle-ci. Si cela se reproduit, essayez un autre navigateur.',
    },
    'too-many-requests': {
      title: 'Trop de tentatives',
      happened: 'Cette page a reçu trop de demandes de votre connexion en peu de temps.',
      next: 'Attendez une minute, puis réessayez.',
    },
    unavailable: {
      title: 'Service momentanément indisponible',
      happened: 'Le service est surchargé ou un partenaire n’a pas répondu à temps.',
      next: 'Réessayez dans quelques minutes.',
    },
    internal: {
      title: 'Une erreur s’est produite',
      happened: 'Une erreur inattendue s’est produite de notre côté.',
      next: 'Réessayez dans quelques minutes. Si cela se reproduit, contactez votre fournisseur de services en indiquant la référence ci-dessous.',
    },
  },
  it: {
    'bad-request': {
      title: 'Non è stato possibile leggere la richiesta',
      happened: 'L’indirizzo o il modulo contenevano un dato non valido. Non è stato salvato nulla.',
      next: 'Torni indietro, ricarichi la pagina e riprovi. Se è arrivato tramite un link ricevuto per SMS, apra di nuovo quel link.',
    },
    forbidden: {
      title: 'Modulo non accettato',
      happened: 'Il modulo è stato inviato da un altro sito web. Non è stato salvato nulla.',
      next: 'Apra di nuovo la pagina dal link ricevuto e invii il modulo da lì.',
    },
    'not-found': {
      title: 'Pagina non trovata',
      happened: 'A questo indirizzo non c’è nessuna pagina.',
      next: 'Controlli l’indirizzo o apra di nuovo il link ricevuto.',
    },
    'method-not-allowed': {
      title: 'Questa pagina non può essere usata così',
      happened: 'La pagina è stata richiesta in un modo che non supporta. Non è stato salvato nulla.',
      next: 'Apra di nuovo il link ricevuto e usi i pulsanti della pagina.',
    },
    'too-large': {
      title: 'Il modulo è troppo grande',
      happened: 'I dati inviati superano quanto questa pagina accetta. Non è stato salvato nulla.',
      next: 'Torni indietro, accorci quanto ha inserito e invii di nuovo il modulo.',
    },
    'unsupported-format': {
      title: 'Non è stato possibile leggere il modulo',
      happened: 'Il modulo è arrivato in un formato che questa pagina non legge. Non è stato salvato nulla.',
      next: 'Torni indietro, ricarichi la pagina e invii di nuovo il modulo da questa pagina. Se succede ancora, provi con un altro browser.',
    },
    'too-many-requests': {
      title: 'Troppi tentativi',
      happened: 'Questa pagina ha ricevuto troppe richieste dalla sua connessione in poco tempo.',
      next: 'Attenda un minuto e poi riprovi.',
    },
    unavailable: {
      title: 'Servizio temporaneamente non disponibile',
      happened: 'Il servizio è sovraccarico o un partner non ha risposto in tempo.',
      next: 'Riprovi tra qualche minuto.',
    },
    internal: {
      title: 'Si è verificato un errore',
      happened: 'Si è verificato un errore imprevisto da parte nostra.',
      next: 'Riprovi tra qualche minuto. Se succede ancora, contatti il suo fornitore di servizi indicando il riferimento qui sotto.',
    },
  },
};
