import { Controller, Get, Render } from '@nestjs/common';
import { Public } from '../http/access-policy';

@Controller()
export class HomeController {
  @Public()
  @Get()
  @Render('platform/views/home.njk')
  home(): Record<string, never> {
    return {};
  }
}
