// Request bodies of the OpenText Notifications outbound endpoints, as far as the public
// Postman collections and the API reference pages show them (sources: docs/notifications-adapter.md).

/** One value substituted into a server-side template for one destination. */
export interface Insert {
  id: number | string;
  value: string;
}

/** A document of an email or fax job; `data` is base64. */
export interface OutboundDocument {
  name: string;
  type: string;
  charset?: string;
  data: string;
}

/** `options` shared by every outbound job. */
export interface JobOptions {
  /** Client-side unique id of the job, at most 80 characters; exroute puts its idempotency key here. */
  message_id?: string;
  billing_code?: string;
  /** Free text echoed in status reports; exroute uses the event's correlation id. */
  customer_reference?: string;
}

/** Body of `POST /mra/v1/outbound/emails`. */
export interface EmailSubmitBody {
  destinations: { ref: string; email: string; inserts?: Insert[] }[];
  body: OutboundDocument[];
  options: JobOptions & { email_options: { subject?: string; from_display_name?: string } };
}

/** Body of `POST /mra/v1/outbound/sms`. */
export interface SmsSubmitBody {
  destinations: { ref: string; sms: string }[];
  sms_text: string;
  options: JobOptions;
}

/** Body of `POST /mra/v1/outbound/faxes`. */
export interface FaxSubmitBody {
  destinations: { ref: string; fax: string }[];
  documents: OutboundDocument[];
  options: JobOptions;
}

/** Body of `POST /mra/v1/outbound/whatsapp/template_message`. */
export interface WhatsAppTemplateSubmitBody {
  destinations: { ref: string; whatsapp: string }[];
  whatsapp_template_message: {
    template_message: {
      channel_template: {
        WHATSAPP: {
          template_id: string;
          language_code: string;
          parameters: Record<string, string>;
        };
      };
    };
  };
  options: JobOptions;
}

/** Any outbound body exroute produces. */
export type OutboundBody =
  EmailSubmitBody | SmsSubmitBody | FaxSubmitBody | WhatsAppTemplateSubmitBody;

/** Channels exroute can deliver through the Notifications API. */
export const SUPPORTED_CHANNELS = ['email', 'sms', 'fax', 'whatsapp'] as const;

/** A channel exroute can deliver through the Notifications API. */
export type SupportedChannel = (typeof SUPPORTED_CHANNELS)[number];

/** Endpoint path (below the API host) per channel. */
export const OUTBOUND_PATHS: Readonly<Record<SupportedChannel, string>> = {
  email: '/mra/v1/outbound/emails',
  sms: '/mra/v1/outbound/sms',
  fax: '/mra/v1/outbound/faxes',
  whatsapp: '/mra/v1/outbound/whatsapp/template_message',
};

/** The successful answer of every outbound endpoint. */
export interface SubmitResponse {
  job_id: string;
}
