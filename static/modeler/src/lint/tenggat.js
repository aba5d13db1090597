/**
 * Tenggat markers (convention 2): a task's due-time timer, an unnamed non-interrupting boundary
 * event without flows whose timeDate is `tenggat("<task id>")`. Alur's deadline service enforces
 * it, so the generic bpmnlint rules that would report it as unlabelled, disconnected or an implicit
 * end run here without it.
 */
const is = (node, type) => Boolean(node && node.$instanceOf && node.$instanceOf(type));

export function isTenggatMarker(node) {
  if (!is(node, 'bpmn:BoundaryEvent') || !node.attachedToRef) {
    return false;
  }
  const definitions = node.eventDefinitions || [];
  if (definitions.length !== 1 || !is(definitions[0], 'bpmn:TimerEventDefinition')) {
    return false;
  }
  const body = (definitions[0].timeDate && definitions[0].timeDate.body || '').trim();
  return /^tenggat\(\s*["'][^"']+["']\s*\)$/.test(body);
}

/** The rule made by `factory`, silent on tenggat markers (check as a function or {enter, leave}). */
export function skippingTenggat(factory) {
  return function(config) {
    const rule = factory(config);
    const check = rule.check;
    const wrap = (fn) => fn && function(node, reporter) {
      return isTenggatMarker(node) ? undefined : fn(node, reporter);
    };
    const wrapped = typeof check === 'function'
      ? wrap(check)
      : { ...check, enter: wrap(check.enter), leave: wrap(check.leave) };
    return { ...rule, check: wrapped };
  };
}
