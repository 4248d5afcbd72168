/** Alice (User#1) owns Account#1 with 100.00, Bob (User#2) owns Account#2 with 50: the in-memory bank tests' rows. */
export function bankFixtures() {
  return {
    User: [
      { id: 1, name: 'Alice' },
      { id: 2, name: 'Bob' },
    ],
    Account: [
      { id: 1, ownerId: 1, balance: '100.00' },
      { id: 2, ownerId: 2, balance: 50 },
    ],
  };
}
