/**
 * Method choice hosted by the service: an SP that starts an identification with the white paper's
 * six fields only lets the person choose the method on our page. What is offered is exactly what
 * the SP could have chosen itself (the catalogue's rules, core/catalogue.ts), narrowed by the
 * start call's `jurisdiction` and `assuranceLevel`.
 */
import { decideMethod, offersFor } from './catalogue.js';
import type { IspConfig, Jurisdiction, Language, Loa, SpSetup } from './domain.js';

/** How long the person may take to choose; the partner's own validity starts with the choice. */
export const METHOD_CHOICE_SECONDS = 24 * 3600;
/** A choice being opened with its partner holds the order this long (a crashed attempt lapses). */
export const METHOD_CHOICE_LOCK_SECONDS = 60;

export interface ChoiceConstraints {
  jurisdiction: Jurisdiction | null;
  assuranceLevel: Loa | null;
}

export interface MethodOption {
  issuer: string;
  method: string;
  loa: Loa;
  jurisdictions: Jurisdiction[];
  /** A visit or a delivery (courier, point of sale) rather than an online session. */
  offline: boolean;
}

/** Every method the SP may start for these constraints: online ones first, then in catalogue order. */
export function methodOptions(
  isps: IspConfig[],
  sp: SpSetup,
  constraints: ChoiceConstraints,
): MethodOption[] {
  const options = isps.flatMap((isp) =>
    offersFor(isp, sp).flatMap((offer) =>
      [...offer.realtimeMethods, ...offer.offlineMethods].flatMap((method): MethodOption[] => {
        const decision = decideMethod(isps, sp, {
          issuer: isp.issuer,
          method,
          jurisdiction: constraints.jurisdiction ?? undefined,
          assuranceLevel: constraints.assuranceLevel ?? undefined,
        });
        return decision.ok
          ? [
              {
                issuer: isp.issuer,
                method,
                loa: decision.loa,
                jurisdictions: decision.jurisdictions,
                offline: decision.offline,
              },
            ]
          : [];
      }),
    ),
  );
  return [...options.filter((o) => !o.offline), ...options.filter((o) => o.offline)];
}

/** The form value of an option: method names cannot contain `@`, issuer names neither. */
export function optionValue(option: Pick<MethodOption, 'issuer' | 'method'>): string {
  return `${option.method}@${option.issuer}`;
}

/** The option a submitted value names, if it is one of those offered. */
export function optionOf(options: MethodOption[], value: unknown): MethodOption | undefined {
  if (typeof value !== 'string') return undefined;
  return options.find((o) => optionValue(o) === value);
}

export interface MethodChoiceText {
  title: string;
  intro: string;
  legend: string;
  submit: string;
  methods: Record<string, string>;
  loa: Record<Loa, string>;
  jurisdictions: Record<Jurisdiction, string>;
  offline: string;
  by: string;
  none: string;
  required: string;
  invalid: string;
  expired: string;
  chosen: string;
  continueTo: string;
  busy: string;
  unavailable: string;
}

export const METHOD_CHOICE_PAGE: Record<Language, MethodChoiceText> = {
  en: {
    title: 'Choose how to identify yourself',
    intro:
      'To sign electronically you are identified once. Choose the method that suits you; you will then be taken to the identification partner.',
    legend: 'Identification method',
    submit: 'Continue',
    methods: {
      video: 'Video call with an agent',
      bank: 'Through your online bank',
      eid: 'German eID card',
      auto: 'Automatic photo and ID check',
      courier: 'Courier visit',
      pos: 'At a point of sale',
      test: 'Test identification',
    },
    loa: { 3: 'advanced signature', 4: 'qualified signature' },
    jurisdictions: { ZERTES: 'Switzerland', EIDAS: 'EU' },
    offline: 'in person',
    by: 'by',
    none: 'No identification method is available for this request. Please contact your service provider.',
    required: 'Choose one of the methods.',
    invalid: 'This link is not valid.',
    expired: 'This link has expired. Ask your service provider to start again.',
    chosen: 'A method was already chosen for this identification.',
    continueTo: 'Continue to the identification partner',
    busy: 'Your choice is being processed. Please wait a moment and reload this page.',
    unavailable:
      'The identification partner is not available right now. Try again later or choose another method.',
  },
  de: {
    title: 'Wählen Sie, wie Sie sich identifizieren',
    intro:
      'Für elektronische Signaturen werden Sie einmal identifiziert. Wählen Sie die passende Methode; danach geht es weiter zum Identifikationspartner.',
    legend: 'Identifikationsmethode',
    submit: 'Weiter',
    methods: {
      video: 'Videoanruf mit einer Fachperson',
      bank: 'Über Ihr Online-Banking',
      eid: 'Deutscher Personalausweis (eID)',
      auto: 'Automatische Foto- und Ausweisprüfung',
      courier: 'Besuch durch einen Kurier',
      pos: 'An einer Verkaufsstelle',
      test: 'Testidentifikation',
    },
    loa: { 3: 'fortgeschrittene Signatur', 4: 'qualifizierte Signatur' },
    jurisdictions: { ZERTES: 'Schweiz', EIDAS: 'EU' },
    offline: 'persönlich',
    by: 'durch',
    none: 'Für diese Anfrage ist keine Identifikationsmethode verfügbar. Bitte wenden Sie sich an Ihren Dienstanbieter.',
    required: 'Wählen Sie eine der Methoden.',
    invalid: 'Dieser Link ist nicht gültig.',
    expired: 'Dieser Link ist abgelaufen. Bitten Sie Ihren Dienstanbieter, neu zu beginnen.',
    chosen: 'Für diese Identifikation wurde bereits eine Methode gewählt.',
    continueTo: 'Weiter zum Identifikationspartner',
    busy: 'Ihre Wahl wird verarbeitet. Bitte laden Sie die Seite gleich neu.',
    unavailable:
      'Der Identifikationspartner ist im Moment nicht erreichbar. Versuchen Sie es später oder wählen Sie eine andere Methode.',
  },
  fr: {
    title: 'Choisissez comment vous identifier',
    intro:
      "Pour signer électroniquement, vous êtes identifié une seule fois. Choisissez la méthode qui vous convient ; vous serez ensuite dirigé vers le partenaire d'identification.",
    legend: "Méthode d'identification",
    submit: 'Continuer',
    methods: {
      video: 'Appel vidéo avec un agent',
      bank: 'Par votre banque en ligne',
      eid: "Carte d'identité électronique allemande",
      auto: "Contrôle automatique de la photo et de la pièce d'identité",
      courier: "Visite d'un coursier",
      pos: 'Dans un point de vente',
      test: 'Identification de test',
    },
    loa: { 3: 'signature avancée', 4: 'signature qualifiée' },
    jurisdictions: { ZERTES: 'Suisse', EIDAS: 'UE' },
    offline: 'en personne',
    by: 'par',
    none: "Aucune méthode d'identification n'est disponible pour cette demande. Veuillez contacter votre fournisseur de services.",
    required: 'Choisissez une des méthodes.',
    invalid: "Ce lien n'est pas valable.",
    expired: 'Ce lien a expiré. Demandez à votre fournisseur de services de recommencer.',
    chosen: 'Une méthode a déjà été choisie pour cette identification.',
    continueTo: "Continuer vers le partenaire d'identification",
    busy: 'Votre choix est en cours de traitement. Rechargez cette page dans un instant.',
    unavailable:
      "Le partenaire d'identification n'est pas disponible pour le moment. Réessayez plus tard ou choisissez une autre méthode.",
  },
  it: {
    title: 'Scelga come identificarsi',
    intro:
      "Per firmare elettronicamente viene identificato una sola volta. Scelga il metodo più adatto; verrà poi indirizzato al partner d'identificazione.",
    legend: "Metodo d'identificazione",
    submit: 'Continua',
    methods: {
      video: 'Videochiamata con un operatore',
      bank: 'Tramite la sua banca online',
      eid: "Carta d'identità elettronica tedesca",
      auto: 'Controllo automatico di foto e documento',
      courier: 'Visita di un corriere',
      pos: 'In un punto vendita',
      test: 'Identificazione di prova',
    },
    loa: { 3: 'firma avanzata', 4: 'firma qualificata' },
    jurisdictions: { ZERTES: 'Svizzera', EIDAS: 'UE' },
    offline: 'di persona',
    by: 'tramite',
    none: "Nessun metodo d'identificazione è disponibile per questa richiesta. Contatti il suo fornitore di servizi.",
    required: 'Scelga uno dei metodi.',
    invalid: 'Questo link non è valido.',
    expired: 'Questo link è scaduto. Chieda al suo fornitore di servizi di ricominciare.',
    chosen: 'Per questa identificazione è già stato scelto un metodo.',
    continueTo: "Continua verso il partner d'identificazione",
    busy: 'La sua scelta è in elaborazione. Ricarichi questa pagina tra un momento.',
    unavailable:
      "Il partner d'identificazione non è disponibile al momento. Riprovi più tardi o scelga un altro metodo.",
  },
};

/** The label of an option in a language: the method's name, the partner, what it is good for. */
export function optionLabel(option: MethodOption, language: Language): { name: string; detail: string } {
  const t = METHOD_CHOICE_PAGE[language];
  const name = t.methods[option.method] ?? option.method;
  const where = option.jurisdictions.map((j) => t.jurisdictions[j]).join(', ');
  const detail = `${t.by} ${option.issuer} · ${t.loa[option.loa]} (${where})${option.offline ? ` · ${t.offline}` : ''}`;
  return { name, detail };
}
