/**
 * Runs the task service on the database of DATABASE_URL (default file:./dev.db) and checks what
 * was written, reading it back with Prisma Client: `npm run build && npm start`.
 */
import assert from 'node:assert/strict';
import { createApp } from './app.js';
import { addMember, createTeam, reassign, removeTask, settingsOf } from './tasks.js';

const url = process.env['DATABASE_URL'] ?? 'file:./dev.db';
const { prisma, units } = createApp(url);
const run = Date.now().toString(36);

try {
  const created = await units.run((uow) =>
    createTeam(uow, {
      name: 'Platform',
      owner: { email: `ann-${run}@example.com`, name: 'Ann' },
      tasks: [
        { title: 'Ship v1', budget: '100.25', subtasks: ['Write docs', 'Fix bugs'] },
        { title: 'Plan v2', budget: '40' },
      ],
    }),
  );
  const [ship, plan] = created.tasks;
  assert.ok(ship && plan);
  assert.match(created.team.id, /^[0-9a-f-]{36}$/, 'the team got its uuid() on commit');
  assert.ok(created.owner.id > 0 && ship.id > 0, 'users and tasks got their autoincrement ids');
  console.log(`created team ${created.team.id} with owner User#${created.owner.id}, tasks #${ship.id} and #${plan.id}`);

  const stored = await prisma.task.findMany({ where: { teamId: created.team.id }, orderBy: { id: 'asc' } });
  assert.equal(stored.length, 4);
  assert.deepEqual(
    stored.map((t) => [t.title, t.budget.toString(), t.parentId]),
    [
      ['Ship v1', '100.25', null],
      ['Write docs', '0', ship.id],
      ['Fix bugs', '0', ship.id],
      ['Plan v2', '40', null],
    ],
  );
  const membership = await prisma.membership.findUnique({ where: { teamId_userId: { teamId: created.team.id, userId: created.owner.id } } });
  assert.equal(membership?.role, 'OWNER');

  const bob = await units.run((uow) => addMember(uow, created.team.id, { email: `bob-${run}@example.com`, name: 'Bob' }));
  const before = await prisma.task.findUniqueOrThrow({ where: { id: ship.id } });
  await units.run((uow) => reassign(uow, ship.id, `bob-${run}@example.com`, '12.50'));
  const after = await prisma.task.findUniqueOrThrow({ where: { id: ship.id } });
  assert.equal(after.assigneeId, bob.id);
  assert.equal(after.budget.toString(), '112.75');
  assert.equal(after.version, before.version + 1, 'the version field counts the update');
  assert.ok(after.updatedAt.getTime() >= before.updatedAt.getTime(), '@updatedAt moved');
  const team = await prisma.team.findUniqueOrThrow({ where: { id: created.team.id } });
  assert.deepEqual(settingsOf(team).labels, ['new', 'reassigned']);
  console.log(`reassigned task #${ship.id} to User#${bob.id}: budget ${after.budget.toString()}, version ${after.version}, labels ${settingsOf(team).labels.join(', ')}`);

  const removed = await units.run((uow) => removeTask(uow, ship.id));
  assert.equal(removed, 3);
  assert.equal(await prisma.task.count({ where: { teamId: created.team.id } }), 1);
  console.log(`removed task #${ship.id} and its subtasks (${removed} rows); 1 task left`);
  console.log(`consumer example: all checks passed on ${url.startsWith('file:') ? 'SQLite' : 'PostgreSQL'}`);
} finally {
  await prisma.$disconnect();
}
