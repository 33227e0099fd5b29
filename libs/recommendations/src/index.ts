export * from './recommendations.module';
export * from './recommendations.service';
export * from './recommendation-usage';
export * from './recommendation-io';
export * from './recommendation.mapper';
export * from './recommendation.schema';
export * from './catalogue.loader';
export * from './dto/recommendation.dto';
