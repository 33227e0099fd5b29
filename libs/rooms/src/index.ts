// Live rooms (issue 4) — first pieces; the gateway and its module are not wired into the app yet.
export * from './ws-ack';
export * from './ws-exception.filter';
export * from './presence';
export * from './comment.schema';
export * from './comments.repository';
export * from './dto/room.dto';
