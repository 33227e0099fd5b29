// Live rooms: the socket.io gateway, presence, comments.
export * from './ws-ack';
export * from './ws-exception.filter';
export * from './presence';
export * from './comment.schema';
export * from './comments.repository';
export * from './dto/room.dto';
export * from './rooms.module';
export * from './rooms.service';
export * from './rooms.gateway';
export * from './room-events';
export * from './comments.controller';
export * from './event-rate-limiter';
