import mariadb from 'mariadb';
const c = await mariadb.createConnection({ host: '127.0.0.1', user: 'root', database: 'p1' });
const json = JSON.stringify([["é😀\n\u00e9 \\ \" ", null]]);
console.log(await c.execute("select t, charset(t) cs, collation(t) co, hex(t) h, u, u is null n from json_table(?, '$[*]' columns(t longtext path '$[0]', u longtext path '$[1]')) d", [json]));
console.log(Buffer.from("é😀\n\u00e9 \\ \" ").toString('hex'));
await c.end();
