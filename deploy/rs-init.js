// Runs once per `docker compose up` (rs-init): initiates the replica set if it is not yet,
// waits for a primary, and creates boxoffice's database user. Safe to run again.
try {
  rs.status();
} catch (notInitiated) {
  rs.initiate({
    _id: "rs0",
    members: [
      { _id: 0, host: "mongo1:27017", priority: 2 },
      { _id: 1, host: "mongo2:27017" },
      { _id: 2, host: "mongo3:27017" },
    ],
  });
}
while (!db.hello().isWritablePrimary) {
  sleep(500);
}
const boxoffice = db.getSiblingDB("boxoffice");
if (boxoffice.getUser("boxoffice") === null) {
  boxoffice.createUser({
    user: "boxoffice",
    pwd: process.env.BOXOFFICE_DB_PASSWORD,
    roles: [{ role: "readWrite", db: "boxoffice" }],
  });
}
