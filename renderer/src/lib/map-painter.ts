import type { Agent } from '../../../shared/agent';
import { AGENT_STATUSES, assertNever, type AgentStatus } from '../../../shared/status';
import type { MapGeometry } from './map-geometry';
import { cellGap } from './map-layout';

/** What a cell looks like: its status, and whether the agent waits for its operator. */
type Look = number;
const BLANK: Look = -1;
const STATUS_LOOK = Object.fromEntries(AGENT_STATUSES.map((status, i) => [status, i * 2])) as Record<AgentStatus, Look>;
const lookOf = (agent: Agent): Look => STATUS_LOOK[agent.status] + (agent.waiting ? 1 : 0);

/** More changed cells than this in one frame: one full put is cheaper than many small ones. */
const FULL_PUT_OVER = 256;

/** The rows of the fleet the canvas holds: from `firstRow`, `rowCount` of them, `columns` wide, `pitch` device pixels apart. */
export interface PaintWindow {
  readonly firstRow: number;
  readonly rowCount: number;
  readonly columns: number;
  /** In device pixels. */
  readonly pitch: number;
}

/**
 * Paints the status map into a canvas, incrementally: it remembers the agent
 * object it last drew in each cell and repaints a cell only when the object
 * changed and its look (status, waiting) with it, so a stream of heartbeats
 * costs a pass over the cells in view and no drawing. Cells are copied from
 * one pre-drawn sprite per look straight into the canvas's pixels.
 */
export class MapPainter {
  private readonly ctx: CanvasRenderingContext2D;
  private window: PaintWindow | null = null;
  private image: ImageData | null = null;
  private pixels = new Uint32Array(0);
  private sprites: Uint32Array[] = [];
  private drawnAgents: (Agent | undefined)[] = [];
  private drawnLooks = new Int8Array(0);

  /** `canvas`: the element painted (a new element needs a new painter). */
  constructor(readonly canvas: HTMLCanvasElement) {
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas context');
    this.ctx = ctx;
  }

  /** Sets the rows the canvas holds and (re)draws the sprites in the theme's colours; the next paint is a full one. */
  reset(window: PaintWindow, colours: Readonly<Record<AgentStatus | 'waiting', string>>): void {
    this.window = window;
    const width = window.columns * window.pitch;
    const height = Math.max(1, window.rowCount * window.pitch);
    if (this.canvas.width !== width) this.canvas.width = width;
    if (this.canvas.height !== height) this.canvas.height = height;
    this.image = this.ctx.createImageData(width, height);
    this.pixels = new Uint32Array(this.image.data.buffer);
    this.sprites = drawSprites(window.pitch, colours);
    const slots = window.columns * window.rowCount;
    this.drawnAgents = new Array<Agent | undefined>(slots);
    this.drawnLooks = new Int8Array(slots).fill(BLANK);
    this.ctx.clearRect(0, 0, width, height);
  }

  /**
   * Brings the canvas up to date with `shown`, the agents in the view's
   * order; returns how many cells were repainted. A cell whose agent is the
   * very object drawn last costs one comparison: no lookup by id (at 100,000
   * agents, a lookup per cell in view was most of a frame's work).
   */
  paint(shown: readonly Agent[], geometry: MapGeometry): number {
    const window = this.window;
    if (!window || !this.image) return 0;
    const first = window.firstRow * window.columns;
    const slots = this.drawnLooks.length;
    const dirty: number[] = [];
    for (let slot = 0; slot < slots; slot++) {
      const index = first + slot;
      const at = geometry.indexAt(index);
      const agent = at < 0 ? undefined : shown[at];
      if (agent === this.drawnAgents[slot]) continue;
      this.drawnAgents[slot] = agent;
      const look = agent ? lookOf(agent) : BLANK;
      if (look === this.drawnLooks[slot]) continue;
      this.drawnLooks[slot] = look;
      this.blit(slot, look);
      dirty.push(slot);
    }
    if (dirty.length > FULL_PUT_OVER) this.ctx.putImageData(this.image, 0, 0);
    else {
      const p = window.pitch;
      for (const slot of dirty) {
        const x = (slot % window.columns) * p;
        const y = Math.floor(slot / window.columns) * p;
        this.ctx.putImageData(this.image, 0, 0, x, y, p, p);
      }
    }
    return dirty.length;
  }

  private blit(slot: number, look: Look): void {
    const { columns, pitch } = this.window!;
    const stride = columns * pitch;
    const x = (slot % columns) * pitch;
    const y = Math.floor(slot / columns) * pitch;
    const sprite = look === BLANK ? null : this.sprites[look]!;
    const pixels = this.pixels;
    // Pixel by pixel: a cell is a few dozen pixels, and a subarray per row (the obvious way) was an
    // object per row, 100,000 and more of them when the whole map shifts under a new order.
    for (let row = 0; row < pitch; row++) {
      const at = (y + row) * stride + x;
      const from = row * pitch;
      for (let col = 0; col < pitch; col++) pixels[at + col] = sprite ? sprite[from + col]! : 0;
    }
  }
}

/**
 * One sprite per look, `pitch` device pixels square, transparent around the
 * cell: idle a hollow square (it recedes), busy a full square, on call a
 * diamond, offline a full square crossed out, exhausted a full square with a
 * triangle cut out — so the shape tells the status without the colour. A
 * waiting agent gets a notch in its top right corner.
 */
function drawSprites(pitch: number, colours: Readonly<Record<AgentStatus | 'waiting', string>>): Uint32Array[] {
  const canvas = document.createElement('canvas');
  canvas.width = pitch;
  canvas.height = pitch;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  const gap = cellGap(pitch);
  const size = pitch - gap;
  const line = Math.max(1, Math.round(size / 7));
  const sprites: Uint32Array[] = [];
  for (const status of AGENT_STATUSES) {
    for (const waiting of [false, true]) {
      ctx.clearRect(0, 0, pitch, pitch);
      ctx.globalCompositeOperation = 'source-over';
      ctx.fillStyle = colours[status];
      ctx.strokeStyle = colours[status];
      ctx.lineWidth = line;
      drawShape(ctx, status, size, line);
      if (waiting) {
        const notch = Math.max(2, Math.round(size / 3));
        ctx.globalCompositeOperation = 'source-over';
        ctx.fillStyle = colours.waiting;
        ctx.fillRect(size - notch, 0, notch, notch);
      }
      sprites.push(new Uint32Array(ctx.getImageData(0, 0, pitch, pitch).data.buffer.slice(0)));
    }
  }
  return sprites;
}

function drawShape(ctx: CanvasRenderingContext2D, status: AgentStatus, size: number, line: number): void {
  switch (status) {
    case 'idle':
      ctx.strokeRect(line / 2, line / 2, size - line, size - line);
      return;
    case 'busy':
      ctx.fillRect(0, 0, size, size);
      return;
    case 'on_call':
      ctx.beginPath();
      ctx.moveTo(size / 2, 0);
      ctx.lineTo(size, size / 2);
      ctx.lineTo(size / 2, size);
      ctx.lineTo(0, size / 2);
      ctx.closePath();
      ctx.fill();
      return;
    case 'offline': {
      ctx.fillRect(0, 0, size, size);
      ctx.globalCompositeOperation = 'destination-out';
      const inset = Math.max(1, Math.round(size / 5));
      ctx.lineWidth = Math.max(1, Math.round(size / 6));
      ctx.beginPath();
      ctx.moveTo(inset, inset);
      ctx.lineTo(size - inset, size - inset);
      ctx.moveTo(size - inset, inset);
      ctx.lineTo(inset, size - inset);
      ctx.stroke();
      return;
    }
    case 'exhausted': {
      ctx.fillRect(0, 0, size, size);
      ctx.globalCompositeOperation = 'destination-out';
      const inset = Math.max(1, Math.round(size / 5));
      ctx.beginPath();
      ctx.moveTo(size / 2, inset);
      ctx.lineTo(size - inset, size - inset);
      ctx.lineTo(inset, size - inset);
      ctx.closePath();
      ctx.fill();
      return;
    }
    default:
      assertNever(status);
  }
}
