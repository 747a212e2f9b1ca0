/**
 * The service's terms of use as a versioned document: per language its full text or a link to it,
 * shown on the terms page beside the short summary. The operator configures it (`termsOfUse` in the
 * service configuration); a registration records which version the person accepted, in which
 * language. A new version applies to acceptances from then on; earlier registrations stay valid.
 */
import { LANGUAGES, type Language } from './domain.js';
import type { TermsDocument, TermsOfUse } from './terms-of-use-schema.js';

// The schema the configuration is validated with is terms-of-use-schema.ts: the terms page shows
// a configured document and checks nothing of it, so it loads no zod for it.
export type { TermsDocument, TermsOfUse };

/** Also part of a table key (TERMSOFUSE#<version>): ASCII letters, digits, `.`, `_`, `-`. */
export const TERMS_VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The document to show in this language, and the language it is actually in. */
export function termsDocumentFor(
  terms: TermsOfUse,
  language: string,
): { language: Language; document: TermsDocument } {
  const wanted = (LANGUAGES as readonly string[]).includes(language) ? (language as Language) : 'en';
  const document = terms.documents[wanted];
  return document ? { language: wanted, document } : { language: 'en', document: terms.documents.en };
}

/** What the service shows when the operator configured no terms of use of its own. */
export const DEFAULT_TERMS_OF_USE: TermsOfUse = {
  version: '2026-11',
  documents: {
    en: {
      title: 'Terms of use of the Smart Registration Service',
      text: [
        '1. Purpose. The Smart Registration Service registers you, once identified by an identification partner, for electronic signatures. From then on you may sign advanced or qualified electronic signatures under the jurisdictions your identification covers without being identified again.',
        '2. Your mobile number. Your mobile number is your means of authentication: each signature is confirmed on it. Keep it under your control and tell your service provider when it changes hands.',
        '3. Evidence. The evidence of your identification (who identified you, when, how, and the identity data checked) is kept as proof for the signatures you make, for as long as the law requires after your last signature.',
        '4. Validity. The registration is valid until your identity document expires, at most five years. A new identification replaces it.',
        '5. Pseudonym. You may choose a pseudonym; your signatures then show it instead of your first and last name. Your identity stays on record and may be disclosed where the law requires.',
        '6. Changes. New versions of these terms apply to acceptances from their publication on; a registration stays valid under the version accepted.',
      ],
    },
    de: {
      title: 'Nutzungsbedingungen des Smart Registration Service',
      text: [
        '1. Zweck. Der Smart Registration Service registriert Sie nach der Identifikation durch einen Identifikationspartner für elektronische Signaturen. Danach können Sie fortgeschrittene oder qualifizierte elektronische Signaturen in den Rechtsräumen, die Ihre Identifikation abdeckt, ohne erneute Identifikation leisten.',
        '2. Ihre Mobilnummer. Ihre Mobilnummer ist Ihr Authentisierungsmittel: Jede Signatur wird darauf bestätigt. Behalten Sie sie unter Ihrer Kontrolle und melden Sie Ihrem Dienstanbieter, wenn sie den Besitzer wechselt.',
        '3. Nachweise. Der Nachweis Ihrer Identifikation (wer Sie wann und wie identifiziert hat und welche Identitätsdaten geprüft wurden) wird als Beleg für Ihre Signaturen aufbewahrt, so lange das Gesetz es nach Ihrer letzten Signatur verlangt.',
        '4. Gültigkeit. Die Registrierung gilt bis zum Ablauf Ihres Ausweisdokuments, höchstens fünf Jahre. Eine neue Identifikation ersetzt sie.',
        '5. Pseudonym. Sie können ein Pseudonym wählen; Ihre Signaturen zeigen dann dieses statt Ihres Vor- und Nachnamens. Ihre Identität bleibt gespeichert und kann offengelegt werden, wo das Gesetz es verlangt.',
        '6. Änderungen. Neue Versionen dieser Bedingungen gelten für Zustimmungen ab ihrer Veröffentlichung; eine Registrierung bleibt unter der akzeptierten Version gültig.',
      ],
    },
    fr: {
      title: "Conditions d'utilisation du Smart Registration Service",
      text: [
        "1. Objet. Le Smart Registration Service vous enregistre, une fois identifié par un partenaire d'identification, pour les signatures électroniques. Vous pouvez ensuite signer des signatures électroniques avancées ou qualifiées dans les juridictions couvertes par votre identification sans nouvelle identification.",
        "2. Votre numéro de mobile. Votre numéro de mobile est votre moyen d'authentification : chaque signature y est confirmée. Gardez-le sous votre contrôle et informez votre fournisseur de services s'il change de titulaire.",
        "3. Preuves. La preuve de votre identification (qui vous a identifié, quand, comment, et les données d'identité vérifiées) est conservée comme justificatif de vos signatures aussi longtemps que la loi l'exige après votre dernière signature.",
        "4. Validité. L'enregistrement est valable jusqu'à l'expiration de votre pièce d'identité, cinq ans au plus. Une nouvelle identification le remplace.",
        '5. Pseudonyme. Vous pouvez choisir un pseudonyme ; vos signatures le montrent alors à la place de votre prénom et de votre nom. Votre identité reste enregistrée et peut être divulguée lorsque la loi l’exige.',
        "6. Modifications. Les nouvelles versions de ces conditions s'appliquent aux acceptations dès leur publication ; un enregistrement reste valable sous la version acceptée.",
      ],
    },
    it: {
      title: "Condizioni d'uso dello Smart Registration Service",
      text: [
        "1. Scopo. Lo Smart Registration Service la registra, una volta identificato da un partner d'identificazione, per le firme elettroniche. In seguito può apporre firme elettroniche avanzate o qualificate nelle giurisdizioni coperte dalla sua identificazione senza nuova identificazione.",
        '2. Il suo numero di cellulare. Il suo numero di cellulare è il suo mezzo di autenticazione: ogni firma vi viene confermata. Lo tenga sotto controllo e informi il suo fornitore di servizi se cambia titolare.',
        "3. Prove. La prova della sua identificazione (chi l'ha identificata, quando, come e quali dati d'identità sono stati verificati) viene conservata come giustificativo delle firme per il tempo richiesto dalla legge dopo l'ultima firma.",
        "4. Validità. La registrazione resta valida fino alla scadenza del documento d'identità, al massimo cinque anni. Una nuova identificazione la sostituisce.",
        '5. Pseudonimo. Può scegliere uno pseudonimo; le sue firme mostrano allora questo al posto del nome e del cognome. La sua identità resta registrata e può essere divulgata dove la legge lo richiede.',
        '6. Modifiche. Le nuove versioni di queste condizioni si applicano alle accettazioni dalla loro pubblicazione; una registrazione resta valida secondo la versione accettata.',
      ],
    },
  },
};
