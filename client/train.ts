import { TrainPage } from './ui/train-page';

void new TrainPage().init();
