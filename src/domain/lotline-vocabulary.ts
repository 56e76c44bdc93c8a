/**
 * Lotline's own terms in EPCIS events: the JSON-LD namespace of its extension fields, and the
 * business step of a stock adjustment, which CBV does not have (`cycle_counting` states a counted
 * quantity, not a change, and partners would read it so).
 */
export const LOTLINE_NAMESPACE = 'https://lotline.dev/ns/epcis/';
export const LOTLINE_CONTEXT = { lotline: LOTLINE_NAMESPACE } as const;
export const ADJUSTING_BIZ_STEP = `${LOTLINE_NAMESPACE}BizStep-adjusting`;
