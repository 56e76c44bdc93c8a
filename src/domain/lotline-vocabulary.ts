/**
 * Lotline's own terms in EPCIS events: the JSON-LD namespace of its extension fields, and the
 * business step of a stock adjustment, which CBV does not have (`cycle_counting` states a counted
 * quantity, not a change, and partners would read it so).
 */
export const LOTLINE_NAMESPACE = 'https://lotline.dev/ns/epcis/';
export const LOTLINE_CONTEXT = { lotline: LOTLINE_NAMESPACE } as const;
export const ADJUSTING_BIZ_STEP = `${LOTLINE_NAMESPACE}BizStep-adjusting`;
/**
 * The business step of a corrective transformation that records, after the fact, a link that was
 * never scanned (an exception resolved): traces mark such links as retroactive from this step alone.
 */
export const RETROACTIVE_LINK_BIZ_STEP = `${LOTLINE_NAMESPACE}BizStep-linking_retroactively`;
