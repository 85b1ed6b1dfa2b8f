import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { OutboundBudget } from './outbound-budget.js';
import { CONNECTION_MAX_BUFFERED_BYTES, CONNECTION_SLACK_BYTES, LARGE_ANSWER_BYTES } from './transport-limits.js';

const MiB = 1024 * 1024;

describe('outbound budget', () => {
  it('admits answers up to the total, then refuses large ones and any on a connection that holds bytes', () => {
    const budget = new OutboundBudget(28 * MiB + 32 * 1024);
    const [a, b, c, d] = [{}, {}, {}, {}];
    const releaseA = budget.admitAnswer(a, 14 * MiB)!;
    assert.ok(budget.admitAnswer(b, 14 * MiB));
    assert.equal(budget.bufferedBytes, 28 * MiB);
    assert.equal(budget.admitAnswer(c, 14 * MiB), undefined, 'large, over the total');
    assert.ok(budget.admitAnswer(c, LARGE_ANSWER_BYTES - 1), 'small, on a connection that holds nothing, even past the total');
    assert.equal(budget.admitAnswer(a, 1024), undefined, 'small, on a connection that holds bytes, over the total');
    releaseA();
    releaseA();
    assert.equal(budget.bufferedBytes, 14 * MiB + LARGE_ANSWER_BYTES - 1, 'a release counts once');
    assert.ok(budget.admitAnswer(d, 13 * MiB));
  });

  it('holds one connection to one largest answer and some slack', () => {
    const budget = new OutboundBudget(1024 * MiB);
    const conn = {};
    assert.ok(budget.admitAnswer(conn, CONNECTION_MAX_BUFFERED_BYTES + MiB), 'the first answer always fits');
    assert.equal(budget.admitAnswer(conn, 1), undefined);
    assert.equal(budget.roomFor(conn), 0);
    assert.equal(budget.roomFor({}), 1024 * MiB - CONNECTION_MAX_BUFFERED_BYTES - MiB);
  });

  it('lets requests onto a congested connection one at a time, as it drains', async () => {
    const budget = new OutboundBudget(1024 * MiB);
    const conn = {};
    const release = budget.admitAnswer(conn, CONNECTION_SLACK_BYTES + 1)!;
    const order: string[] = [];
    const first = Promise.resolve(budget.enter(conn, new EventEmitter(), false)).then((leave) => (order.push('first'), leave));
    const second = Promise.resolve(budget.enter(conn, new EventEmitter(), false)).then((leave) => (order.push('second'), leave));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(order, [], 'nobody enters while the connection holds more than the slack');
    release();
    const leaveFirst = await first;
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(order, ['first'], 'the second waits for the first to be over');
    leaveFirst();
    (await second)();
    assert.deepEqual(order, ['first', 'second']);
    (await budget.enter(conn, new EventEmitter(), false))();
  });

  it('lets pipelined HTTP/1.1 requests in one after the other', async () => {
    const budget = new OutboundBudget(1024 * MiB);
    const conn = {};
    const leaveFirst = await budget.enter(conn, new EventEmitter(), true);
    let second = false;
    const entered = Promise.resolve(budget.enter(conn, new EventEmitter(), true)).then((leave) => ((second = true), leave));
    await new Promise((r) => setImmediate(r));
    assert.equal(second, false);
    leaveFirst();
    (await entered)();
    assert.equal(second, true);
  });

  it('stops waiting when the request goes away', async () => {
    const budget = new OutboundBudget(1024 * MiB);
    const conn = {};
    budget.admitAnswer(conn, CONNECTION_SLACK_BYTES + 1);
    const gone = new EventEmitter();
    const entered = budget.enter(conn, gone, false);
    gone.emit('close');
    (await entered)();
  });

  it('lets event streams wait for the total to drop below the cap', async () => {
    const budget = new OutboundBudget(4 * MiB);
    const release = budget.reserveEvent(5 * MiB);
    assert.ok(budget.overCap);
    let resumed = false;
    const waiting = budget.belowCap(new EventEmitter()).then(() => (resumed = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(resumed, false);
    release();
    await waiting;
    assert.equal(budget.bufferedBytes, 0);
  });
});
