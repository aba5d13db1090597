// Where a small overlay (a lint mark, a diff badge) sits on a flow: on its longest segment, at
// the middle, instead of a corner of the flow's bounding box, which for a bent flow is empty
// canvas far from the line. Positions are relative to that box, as diagram-js overlays expect.
import { getBBox } from "diagram-js/lib/util/Elements";

export function onConnection(connection, size = 16) {
  const points = connection.waypoints;
  let best = [points[0], points[points.length - 1]], longest = -1;
  for (let i = 1; i < points.length; i += 1) {
    const length = Math.hypot(points[i].x - points[i - 1].x, points[i].y - points[i - 1].y);
    if (length > longest) { longest = length; best = [points[i - 1], points[i]]; }
  }
  const box = getBBox(connection);
  const x = (best[0].x + best[1].x) / 2, y = (best[0].y + best[1].y) / 2;
  return { left: x - box.x - size / 2, top: y - box.y - size / 2 };
}
