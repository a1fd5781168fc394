import type { FastifyRequest } from 'fastify';

type XmlRequest = FastifyRequest & { rawXml?: string };

/**
 * preValidation for routes that take an ISO 20022 document as JSON or as XML: an XML body (a string, from the
 * application/xml parser) is kept aside for the message parser, with its hostile-input guards and XSD, and
 * the JSON schema sees `placeholder()` instead.
 */
export const keepXmlBody = (placeholder: () => unknown) => async (req: FastifyRequest) => {
  if (typeof req.body === 'string') {
    (req as XmlRequest).rawXml = req.body;
    req.body = placeholder();
  }
};

/** The XML document kept by `keepXmlBody`, if the request carried one. */
export const xmlBodyOf = (req: FastifyRequest): string | undefined => (req as XmlRequest).rawXml;
