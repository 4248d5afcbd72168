import { createMemoryUnits } from 'prisma-uow';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/generated/uow/index.js';
import { addMember, createTeam, reassign, removeTask } from '../src/tasks.js';

describe('task service (in memory)', () => {
  it('creates a team with tasks, reassigns one and removes it with its subtasks', async () => {
    const { units, store } = createMemoryUnits({ schema });
    const { team, tasks } = await units.run((uow) =>
      createTeam(uow, { name: 'Platform', owner: { email: 'ann@example.com', name: 'Ann' }, tasks: [{ title: 'Ship v1', budget: '100.25', subtasks: ['Docs'] }] }),
    );
    const ship = tasks[0]!;
    expect(store.rows('Task').map((t) => [t['title'], t['parentId']])).toEqual([
      ['Ship v1', null],
      ['Docs', ship.id],
    ]);
    expect(store.rows('Membership')).toEqual([{ teamId: team.id, userId: 1, role: 'OWNER' }]);

    const bob = await units.run((uow) => addMember(uow, team.id, { email: 'bob@example.com', name: 'Bob' }));
    await units.run((uow) => reassign(uow, ship.id, 'bob@example.com', '0.75'));
    const task = store.rows('Task').find((t) => t['id'] === ship.id)!;
    expect([task['assigneeId'], String(task['budget']), task['version']]).toEqual([bob.id, '101', 1]);
    expect(store.rows('Team')[0]!['settings']).toEqual({ labels: ['new', 'reassigned'] });

    expect(await units.run((uow) => removeTask(uow, ship.id))).toBe(2);
    expect(store.rows('Task')).toEqual([]);
  });

  it('writes nothing when the service throws', async () => {
    const { units, store } = createMemoryUnits({ schema });
    await expect(units.run((uow) => reassign(uow, 1, 'nobody@example.com', '1'))).rejects.toThrow('Task#1 was not found');
    expect(store.rows('Task')).toEqual([]);
  });
});
